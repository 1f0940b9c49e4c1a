"""Terminal words of analyze, discover and anonymize in Vietnamese and English: lines, tables."""

from __future__ import annotations

# key -> (Vietnamese, English). Placeholders are filled with str.format; numbers arrive
# formatted by `Words`. The English texts are the CLI's output pinned by tests/golden: change
# them only with those.
TERMINAL_MESSAGES: dict[str, tuple[str, str]] = {
    # shared by every command
    "note": ("lưu ý: {note}", "note: {note}"),
    "wrote": ("đã ghi {files}", "wrote {files}"),
    "ld_columns": ("các cột: {mapped} ({how}{format})", "columns: {mapped} ({how}{format})"),
    "ld_lifecycle": ("ghép cặp sự kiện bắt đầu/kết thúc", "start/complete events paired"),
    "ld_start_times": ("có thời điểm bắt đầu", "start times known"),
    "ld_no_start_times": ("không có thời điểm bắt đầu", "no start times"),
    "ld_format": ("; thời gian đọc theo định dạng {format}", "; times read as {format}"),
    "an_working_time": (
        "thời lượng tính theo thời gian làm việc (lịch {calendar}; 1 ngày làm việc = {hours} "
        "giờ làm việc); ngày tháng là ngày thực",
        "durations are working time (calendar {calendar}; 1 wd = {hours} h of work); dates are "
        "real dates",
    ),
    # analyze: the log and its bottlenecks
    "t_log": (
        "{source}: {cases} hồ sơ, {events} sự kiện, {activities} bước",
        "{source}: {cases} cases, {events} events, {activities} activities",
    ),
    "t_period": ("khoảng thời gian: {first} → {last}", "period: {first} → {last}"),
    "t_case_duration": (
        "thời gian giải quyết hồ sơ: trung vị {median}, trung bình {mean}, P90 {p90}",
        "case duration: median {median}, mean {mean}, p90 {p90}",
    ),
    "t_wait_idle": (
        "thời gian chờ = lúc bắt đầu một bước − lúc kết thúc bước trước (thời gian hồ sơ nằm chờ)",
        "waiting time = start of a step − end of the step before (idle time)",
    ),
    "t_wait_end": (
        "thời gian chờ = lúc kết thúc một bước − lúc kết thúc bước trước (gồm cả thời gian xử "
        "lý của bước đó; nhật ký không có thời điểm bắt đầu)",
        "waiting time = end of a step − end of the step before (includes the step's own work; "
        "the log has no start times)",
    ),
    "t_total_wait": (
        "tổng thời gian chờ: {total} trên mọi hồ sơ",
        "total waiting time: {total} over all cases",
    ),
    "t_no_wait": (
        "(không có thời gian chờ giữa các bước: mỗi hồ sơ chỉ có một bước)",
        "(no waiting time between steps: every case has a single step)",
    ),
    "t_col_where": ("nơi hồ sơ phải chờ", "where work waits"),
    "t_col_total": ("tổng", "total"),
    "t_col_share": ("tỷ lệ", "share"),
    "t_col_median": ("trung vị", "median"),
    "t_col_p90": ("P90", "p90"),
    "t_col_count": ("số lần", "count"),
    "t_before": ("trước {activity}", "before {activity}"),
    "an_top_transitions": (
        "Các điểm nghẽn lớn nhất (chuyển bước, theo tổng thời gian chờ):",
        "Top bottlenecks (transitions, by total waiting time):",
    ),
    "an_top_activities": ("Thời gian chờ trước mỗi bước:", "Waiting time before each activity:"),
    "an_no_cause": (
        "không quy được thời gian chờ nào cho một nguyên nhân (cần thời điểm bắt đầu và cán bộ "
        "xử lý), nên mọi mũi tên đều màu xám",
        "no waiting time could be attributed to a cause (it needs start times and resources), "
        "so every arrow is grey",
    ),
    "an_flows_skipped": (
        "chưa đếm biến thể, làm lại và chuyển giao trên {events} sự kiện (tốn thời gian và bộ "
        "nhớ gấp nhiều lần phần còn lại): thêm --flows để đếm, hoặc chạy bottleneck discover",
        "variants, rework and hand-offs were not counted on {events} events (several times the "
        "time and memory of the rest): pass --flows to count them, or run bottleneck discover",
    ),
    # legal deadlines
    "dl_working_days": ("ngày làm việc", "working days"),
    "dl_days": ("ngày", "days"),
    "dl_due_column": ("hạn trả kết quả trong cột '{column}'", "due dates in column '{column}'"),
    "dl_deadline": ("thời hạn {deadline}", "deadline {deadline}"),
    "dl_deadline_fallback": (
        "thời hạn {deadline} cho hồ sơ không có hạn trả",
        "deadline {deadline} where a case has no due date",
    ),
    "dl_calendar": ("lịch {calendar}", "calendar {calendar}"),
    "dl_on_time": (
        "Đúng hạn ({basis}): {rate} — {on_time} trên {with_due} hồ sơ có hạn trả; {late} hồ sơ "
        "trễ hạn",
        "On time ({basis}): {rate} — {on_time} of {with_due} cases with a due time; {late} late",
    ),
    "dl_late_by": (
        ", trễ trung bình {mean} {unit} (trung vị {median}, tối đa {max})",
        ", late by {mean} {unit} on average (median {median}, max {max})",
    ),
    "dl_per_procedure": (
        "Đúng hạn theo thủ tục (cột '{column}', thời gian trễ tính bằng {unit}):",
        "On time per procedure ('{column}', lateness in {unit}):",
    ),
    "dl_col_procedure": ("thủ tục", "procedure"),
    "dl_col_cases": ("hồ sơ", "cases"),
    "dl_col_on_time": ("đúng hạn", "on time"),
    "dl_col_rate": ("tỷ lệ", "rate"),
    "dl_col_late": ("trễ", "late"),
    "dl_col_mean_late": ("trễ TB", "mean late"),
    "dl_col_max_late": ("trễ tối đa", "max late"),
    # variants, rework and hand-offs
    "fl_variants": (
        "Biến thể: {count} đường đi khác nhau trong {cases} hồ sơ; phổ biến nhất:",
        "Variants: {count} distinct paths over {cases} cases; most frequent:",
    ),
    "fl_variant": (
        "  #{rank}  {cases} hồ sơ ({share}%), trung vị {median}, P90 {p90}{slower}",
        "  #{rank}  {cases} cases ({share}%), median {median}, p90 {p90}{slower}",
    ),
    "fl_slower": (", chậm hơn #1 {gap}", ", {gap} slower than #1"),
    "fl_faster": (", nhanh hơn #1 {gap}", ", {gap} faster than #1"),
    "fl_rework": (
        "Làm lại: {affected} trên {cases} hồ sơ ({share}%) có bước bị lặp lại ({self_loops} "
        "lần lặp ngay tại bước, {back_loops} lần quay lại bước trước); tổng thời gian chờ trong "
        "các vòng lặp {wait}",
        "Rework: {affected} of {cases} cases ({share}%) repeat a step ({self_loops} self-loops, "
        "{back_loops} back-loops); waiting inside the loops {wait} in total",
    ),
    "fl_rework_row": (
        "  {activity}: {what}, thời gian chờ thêm {wait}{entry}",
        "  {activity}: {what}, wait added {wait}{entry}",
    ),
    "fl_repeats": (
        "lặp lại {repeats} lần trong {cases} hồ sơ",
        "{repeats} repeats in {cases} cases",
    ),
    "fl_reentered": (
        "{repeats} lần trong {cases} hồ sơ (nhập lại dữ liệu)",
        "{repeats} times in {cases} cases (re-typed data)",
    ),
    "fl_data_entry": (" — nhập lại dữ liệu", " — repeated data entry"),
    "fl_no_handoffs": (
        "Chuyển giao: nhật ký không có cột cán bộ hoặc đơn vị",
        "Hand-offs: the log has no resource or unit column",
    ),
    "fl_handoffs_group": (
        "Chuyển giao giữa các đơn vị: {count} lần (chờ trung vị {median}, {share}% tổng thời "
        "gian chờ); trong cùng một đơn vị: {within} lần (trung vị {within_median})",
        "Hand-offs between units: {count} (median wait {median}, {share}% of all waiting); "
        "within a unit: {within} (median {within_median})",
    ),
    "fl_handoffs_resource": (
        "Chuyển giao giữa các cán bộ: {count} lần (chờ trung vị {median}, {share}% tổng thời "
        "gian chờ); cùng một cán bộ: {within} lần (trung vị {within_median})",
        "Hand-offs between officers: {count} (median wait {median}, {share}% of all waiting); "
        "within a officer: {within} (median {within_median})",
    ),
    "fl_handoff_row": (
        "  {source} → {target}: {count} lần, trung vị {median}, tổng {total}",
        "  {source} → {target}: {count}×, median {median}, total {total}",
    ),
    # the hand-off graph of discover
    "ho_title_group": ("Chuyển giao giữa các đơn vị", "Hand-offs between units"),
    "ho_title_resource": ("Chuyển giao giữa các cán bộ", "Hand-offs between officers"),
    "ho_box_group": (
        "Ô: đơn vị · số bước xử lý tiếp trong đơn vị · thời gian chờ trung vị của các bước đó",
        "Box: unit · steps that stay inside · their median wait",
    ),
    "ho_box_resource": (
        "Ô: cán bộ · số bước cán bộ tự xử lý tiếp · thời gian chờ trung vị của các bước đó",
        "Box: officer · steps that stay inside · their median wait",
    ),
    "ho_arrow_group": (
        "Mũi tên: hồ sơ chuyển sang đơn vị khác · số lần · thời gian chờ trung vị (màu)",
        "Arrow: work handed to another unit · times · median wait (colour)",
    ),
    "ho_arrow_resource": (
        "Mũi tên: hồ sơ chuyển sang cán bộ khác · số lần · thời gian chờ trung vị (màu)",
        "Arrow: work handed to another officer · times · median wait (colour)",
    ),
    "ho_marks": (
        ": các lần chuyển giao có tổng thời gian chờ lớn nhất (tỷ lệ trong tổng thời gian chờ "
        "khi chuyển giao)",
        ": the hand-offs with the most total waiting (share of hand-off waiting)",
    ),
    "ho_showing": (
        "Chỉ vẽ {shown} trên {total} cặp chuyển giao thường gặp nhất (đầy đủ trong handoffs.csv)",
        "Showing the {shown} most frequent of {total} hand-offs (all are in handoffs.csv)",
    ),
    "ho_inside_one": (
        "{count} bước trong nội bộ · chờ {wait}",
        "{count} step inside · wait {wait}",
    ),
    "ho_inside": ("{count} bước trong nội bộ · chờ {wait}", "{count} steps inside · wait {wait}"),
    "ho_tip": (
        "{source} → {target}: {count} lần, chờ trung vị {wait}",
        "{source} → {target}: {count} times, median wait {wait}",
    ),
    # discover
    "ds_model": (
        "Mô hình: thuật toán {miner}{noise}, khai phá từ {source}; độ khớp (fitness, phát lại "
        "token) {fitness}, độ chính xác (precision) {precision} (phát lại {replayed} trên {cases} "
        "hồ sơ)",
        "Model: {miner} miner{noise}, mined from the {source}; token-based replay fitness "
        "{fitness}, precision {precision} ({replayed} of {cases} cases replayed)",
    ),
    "ds_noise": (", ngưỡng nhiễu {noise}", ", noise {noise}"),
    "ds_source_log": ("nhật ký sự kiện", "event log"),
    "ds_source_dfg": ("đồ thị nối tiếp trực tiếp", "directly-follows graph"),
    "ds_alignment": (
        "Độ khớp theo căn chỉnh (alignment): {fitness}",
        "Alignment fitness: {fitness}",
    ),
    "ds_against": (
        "So với {reference}: độ khớp {fitness}; {fitting} trên {cases} hồ sơ đi đúng quy trình, "
        "{skipping} hồ sơ bỏ qua bước, {adding} hồ sơ thêm bước",
        "Against {reference}: fitness {fitness}; {fitting} of {cases} cases follow it, "
        "{skipping} skip steps, {adding} add steps",
    ),
    "ds_not_in_procedure": (" (không có trong quy trình)", " (not in the procedure)"),
    "ds_added": ("thêm {times} lần trong {cases} hồ sơ", "added {times}× in {cases} cases"),
    "ds_skipped": ("bỏ qua {times} lần trong {cases} hồ sơ", "skipped {times}× in {cases} cases"),
    # anonymize
    "anon_new_key": (
        "đã ghi khóa bí mật mới vào {path} — hãy giữ kín; dùng lại khóa này với --key-file để "
        "mỗi người luôn có cùng một bí danh trong các lần xuất sau",
        "wrote a new secret key to {path} — keep it private; reuse it with --key-file so the "
        "same people get the same pseudonyms in later exports",
    ),
    "anon_replaced": ("đã thay bằng bí danh: {replaced}", "pseudonymized {replaced}"),
    "anon_values": ("{column} ({count} giá trị)", "{column} ({count} values)"),
    "anon_dropped": ("đã bỏ các cột {columns}", "left out {columns}"),
}
