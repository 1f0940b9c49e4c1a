"""Words of `bottleneck compare` in Vietnamese and English: verdict, tables, findings, graphs."""

from __future__ import annotations

# key -> (Vietnamese, English). Placeholders are filled with str.format. The English texts are
# the CLI's output, the comparison@1 sentences and the graphs pinned by tests/golden: change
# them only with those. The English verdict words are the JSON's machine values.
COMPARE_MESSAGES: dict[str, tuple[str, str]] = {
    # the verdict and the summary lines
    "cmp_verdict": (
        "{word}: thời gian giải quyết trung vị {change} trên {before} và {after} hồ sơ",
        "{word}: median throughput time {change} over {before} and {after} cases",
    ),
    "cmp_verdict_slower": ("CHẬM HƠN", "SLOWER"),
    "cmp_verdict_faster": ("NHANH HƠN", "FASTER"),
    "cmp_verdict_unchanged": ("KHÔNG THAY ĐỔI RÕ RỆT", "NO SIGNIFICANT CHANGE"),
    "cmp_verdict_insufficient": ("QUÁ ÍT HỒ SƠ ĐỂ KẾT LUẬN", "TOO FEW CASES TO TELL"),
    "cmp_verdict_ci": (
        "; thay đổi {delta} (khoảng tin cậy {level}%: {lo} đến {hi}, q {q})",
        "; change {delta} ({level}% CI {lo} to {hi}, q {q})",
    ),
    "cmp_side_before": ("trước", "before"),
    "cmp_side_after": ("sau", "after"),
    "cmp_side": (
        "{cases} hồ sơ, {events} sự kiện, {first} → {last}",
        "{cases} cases, {events} events, {first} → {last}",
    ),
    "cmp_split_at": ("chia tại {date}", "split at {date}"),
    "cmp_straddling": (
        "; {count} hồ sơ vắt qua ngày này và được {verb}",
        "; {count} cases straddle the date and were {verb}",
    ),
    "cmp_straddling_exclude": ("để riêng", "left out"),
    "cmp_straddling_before": ("tính vào giai đoạn trước", "counted before"),
    "cmp_straddling_after": ("tính vào giai đoạn sau", "counted after"),
    "cmp_over_deadline": (
        "hồ sơ quá thời hạn {deadline}: {before} → {after}",
        "cases over the {deadline} deadline: {before} → {after}",
    ),
    "cmp_working": (
        "thời lượng tính theo thời gian làm việc (lịch {calendar}); ngày tháng là ngày thực",
        "durations are working time (calendar {calendar}; 1 wd = one working day); dates are "
        "real dates",
    ),
    # demand
    "cmp_demand_untested": (
        "nhu cầu: {before} → {after} hồ sơ mới mỗi tuần; một bên có quá ít tuần để kiểm định "
        "nhu cầu có thay đổi hay không",
        "demand: {before} → {after} cases started per week; too few weeks on one side to test "
        "whether demand changed",
    ),
    "cmp_demand_changed": (
        "nhu cầu thay đổi có ý nghĩa thống kê: {before} → {after} hồ sơ mới mỗi tuần ({change}, "
        "Mann–Whitney p {p} trên {before_weeks} và {after_weeks} tuần)",
        "demand changed significantly: {before} → {after} cases started per week ({change}, "
        "Mann–Whitney p {p} over {before_weeks} and {after_weeks} weeks)",
    ),
    "cmp_demand_same": (
        "nhu cầu không thay đổi có ý nghĩa thống kê: {before} → {after} hồ sơ mới mỗi tuần "
        "({change}, Mann–Whitney p {p} trên {before_weeks} và {after_weeks} tuần)",
        "demand did not change significantly: {before} → {after} cases started per week "
        "({change}, Mann–Whitney p {p} over {before_weeks} and {after_weeks} weeks)",
    ),
    "cmp_demand_partial": (
        "; một bên chưa đủ một tuần trọn vẹn nên đã tính cả những tuần không trọn",
        "; a side spans less than one full week, so partial weeks were counted",
    ),
    # the findings tables
    "cmp_introduced": (
        "Điểm nghẽn mới hoặc nặng hơn (mới xuất hiện hoặc chậm hơn rõ rệt, theo thời gian chờ "
        "thêm cho mỗi hồ sơ):",
        "Introduced bottlenecks (new or significantly slower, by added wait per case):",
    ),
    "cmp_improvements": (
        "Chỗ được cải thiện (nhanh hơn hoặc đã bỏ, theo thời gian chờ tiết kiệm cho mỗi hồ sơ):",
        "Improvements (faster or gone, by wait saved per case):",
    ),
    "cmp_finding_line": ("Phát hiện: {finding}", "Finding: {finding}"),
    "cmp_none": ("(không có)", "(none)"),
    "cmp_col_where": ("nơi hồ sơ phải chờ", "where"),
    "cmp_col_status": ("tình trạng", "status"),
    "cmp_col_change": ("trung vị trước → sau", "median before → after"),
    "cmp_col_added": ("thêm/hồ sơ", "added/case"),
    "cmp_col_saved": ("bớt/hồ sơ", "saved/case"),
    "cmp_status_new": ("mới", "new"),
    "cmp_status_removed": ("đã bỏ", "removed"),
    "cmp_status_slower": ("chậm hơn", "slower"),
    "cmp_status_faster": ("nhanh hơn", "faster"),
    "cmp_status_unchanged": ("không đổi", "unchanged"),
    "cmp_status_insufficient": ("ít dữ liệu", "insufficient"),
    # one finding as a sentence (the comparison@1 `finding`)
    "cmp_where_activity": ("trước «{activity}»", "before ‘{activity}’"),
    "cmp_where_transition": (
        "giữa «{source}» và «{target}»",
        "between ‘{source}’ and ‘{target}’",
    ),
    "cmp_adds": (
        "mỗi hồ sơ mất thêm trung bình {added}",
        "it adds {added} to the average dossier",
    ),
    "cmp_saves": (
        "mỗi hồ sơ tiết kiệm trung bình {saved}",
        "it saves the average dossier {saved}",
    ),
    "cmp_thing_step": ("một bước", "a step"),
    "cmp_thing_handoff": ("một lần chuyển bước", "a hand-off"),
    "cmp_from_zero": ("từ 0 giây", "from 0 s"),
    "cmp_finding_new": (
        "Hồ sơ nay phải chờ trung vị {after} {where}, {thing} trước đây không có; {effect}.",
        "Dossiers now wait a median {after} {where}, {thing} that did not exist before; {effect}.",
    ),
    "cmp_finding_removed": (
        "Hồ sơ không còn phải chờ {where} (trước đây trung vị {before}, {thing} nay đã bỏ); "
        "{effect}.",
        "Dossiers no longer wait {where} (a median {before} before, {thing} that is gone); "
        "{effect}.",
    ),
    "cmp_finding": (
        "Hồ sơ nay phải chờ trung vị {after} {where} thay vì {before} ({change}; thay đổi của "
        "trung vị nằm trong khoảng {lo} đến {hi} với độ tin cậy 95%); {effect}.",
        "Dossiers now wait a median {after} {where} instead of {before} ({change}; the change "
        "in median is {lo} to {hi} with 95% confidence); {effect}.",
    ),
    "cmp_cause": (
        "Hồ sơ chờ chủ yếu vì {phrase}: {share} thời gian chờ ở đây.",
        "It waits mostly because {phrase}: {share} of its wait.",
    ),
    "cmp_cause_batching": (
        "hồ sơ được giữ lại cho đến khi đủ một lô (gom lô)",
        "dossiers are held until a batch is formed (batching)",
    ),
    "cmp_cause_resource_contention": (
        "cán bộ xử lý đang bận với hồ sơ đã sẵn sàng từ trước (tranh chấp nguồn lực)",
        "its officers are busy with work that was ready earlier (resource contention)",
    ),
    "cmp_cause_prioritization": (
        "cán bộ xử lý trước những hồ sơ đến sau (ưu tiên)",
        "its officers put dossiers that arrived later first (prioritization)",
    ),
    "cmp_cause_resource_unavailability": (
        "cán bộ xử lý không làm việc vào những giờ đó (cán bộ không làm việc)",
        "its officers are not at work in those hours (resource unavailability)",
    ),
    "cmp_cause_extraneous": (
        "những việc ngoài công việc của cán bộ: công dân, cơ quan khác hoặc quy định "
        "(nguyên nhân khác)",
        "of something outside the officers' work: the citizen, another agency or a rule "
        "(extraneous)",
    ),
    # the difference, before and after graphs
    "cg_new": ("MỚI", "NEW"),
    "cg_gone": ("đã bỏ (trước đây {was})", "gone (was {was})"),
    "cg_wait_before": ("chờ trước bước {wait}", "wait before {wait}"),
    "cg_diff_title": ("Khác biệt: trước → sau", "Difference: before → after"),
    "cg_cases": (
        "Hồ sơ: thời gian giải quyết trung vị {change}",
        "Cases: median throughput {change}",
    ),
    "cg_text": (
        "Chữ trên mũi tên / ô: thời gian chờ trung vị trước → sau (thay đổi)",
        "Arrow / box text: median wait before → after (change)",
    ),
    "cg_slower": (
        "chậm hơn: q < {alpha} và khoảng tin cậy {level}% của thay đổi trung vị lớn hơn 0",
        "slower: q < {alpha} and the {level}% CI of the median change above 0",
    ),
    "cg_faster": (
        "nhanh hơn: tương tự, nhỏ hơn 0; nét đứt = đã bỏ (chỉ có ở giai đoạn trước)",
        "faster: likewise below 0; dashed = gone (only before)",
    ),
    "cg_new_row": ("MỚI (chữ đậm): chỉ có ở giai đoạn sau", "NEW (bold): only after"),
    "cg_unchanged": ("xám: không thay đổi rõ rệt", "grey: no significant change"),
    "cg_insufficient": (
        "xám nhạt: mỗi bên ít hơn {count} lần chờ",
        "light grey: fewer than {count} waits a side",
    ),
    "cg_width": (
        "Độ dày: số lần ở giai đoạn sau (hoặc trước, nếu đã bỏ)",
        "Width: how often after (or before, if gone)",
    ),
    "cg_title_before": ("Trước", "Before"),
    "cg_title_after": ("Sau", "After"),
    "cg_side_cases": (
        "{cases} hồ sơ · thời gian giải quyết trung vị {median}",
        "{cases} cases · median throughput {median}",
    ),
    "cg_side_text": (
        "Mũi tên: số lần · chờ trung vị; ô: số lần · chờ trung vị trước bước",
        "Arrow: times · median wait; box: times · median wait before it",
    ),
    "cg_colour": (
        "Màu: thời gian chờ trung vị, cùng một thang cho trước và sau",
        "Colour: median wait, one scale for before and after",
    ),
    "cg_same_layout": (
        "Cùng bố cục với sơ đồ khác biệt: ô không có ở đây chỉ có ở giai đoạn kia",
        "Same layout as the difference graph: missing boxes exist only on the other side",
    ),
    "cg_shown": (
        "Vẽ {shown} trên {total} mũi tên (thay đổi lớn nhất, rồi thường gặp nhất); bỏ {hidden} "
        "bước không có mũi tên nào được vẽ",
        "{shown} of {total} arrows drawn (the biggest changes, then the busiest); {hidden} "
        "activities without a drawn arrow left out",
    ),
}
