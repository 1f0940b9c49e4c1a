"""Sentences of the optional report parts (compare, drift, causes, flows, model) in vi and en."""

from __future__ import annotations

# key -> (Vietnamese, English). Placeholders are filled with str.format.
TOPIC_MESSAGES: dict[str, tuple[str, str]] = {
    # comparison
    "compare": ("So sánh trước và sau", "Before and after"),
    "cmp_logs": (
        "So sánh hai nhật ký: trước = {before}, sau = {after}.",
        "Two logs compared: before = {before}, after = {after}.",
    ),
    "cmp_split": (
        "So sánh các hồ sơ bắt đầu trước và từ ngày {date}; {straddling} hồ sơ vắt qua ngày "
        "này được để riêng.",
        "Cases starting before {date} compared with those starting from it; {straddling} cases "
        "spanning that date are left out.",
    ),
    "cmp_auto": (
        "Ngày chia được phát hiện tự động là ngày quy trình thay đổi rõ nhất.",
        "The split date was detected automatically as the date the process changed most.",
    ),
    "before": ("Trước", "Before"),
    "after": ("Sau", "After"),
    "change": ("Thay đổi", "Change"),
    "cmp_cases_intro": ("Thời gian giải quyết hồ sơ", "Throughput time of cases"),
    "cmp_ci": (
        "Khoảng tin cậy 95% của thay đổi trung vị",
        "95% confidence interval of the change in median",
    ),
    "cmp_q": ("Giá trị q (p đã hiệu chỉnh)", "q-value (adjusted p)"),
    "f_cmp_slower": (
        "Sau thay đổi, hồ sơ mất trung vị {after} thay vì {before} ({change}).",
        "After the change a case takes a median of {after} instead of {before} ({change}).",
    ),
    "f_cmp_faster": (
        "Sau thay đổi, hồ sơ nhanh hơn: trung vị {after} thay vì {before} ({change}).",
        "After the change cases are faster: a median of {after} instead of {before} ({change}).",
    ),
    "f_cmp_same": (
        "Thời gian giải quyết không thay đổi rõ rệt: trung vị {before} trước, {after} sau.",
        "Throughput time did not change clearly: a median of {before} before, {after} after.",
    ),
    "e_cmp_cases": (
        "{nb} hồ sơ trước, {na} hồ sơ sau; thay đổi trung vị từ {lo} đến {hi} với độ tin cậy "
        "95%; q {q}.",
        "{nb} cases before, {na} after; the change in median is {lo} to {hi} with 95% "
        "confidence; q {q}.",
    ),
    "introduced": ("Điểm nghẽn mới hoặc nặng hơn", "Introduced or worsened bottlenecks"),
    "introduced_intro": (
        "Các chỗ chờ mới xuất hiện hoặc chậm hơn rõ rệt sau thay đổi, xếp theo thời gian chờ "
        "thêm cho mỗi hồ sơ.",
        "Waits that are new or clearly slower after the change, ranked by the waiting time they "
        "add to the average case.",
    ),
    "improvements": ("Chỗ được cải thiện", "Improvements"),
    "none_introduced": ("Không có điểm nghẽn mới.", "No bottleneck was introduced."),
    "col_where": ("Ở đâu", "Where"),
    "col_status": ("Tình trạng", "Status"),
    "col_added": ("Thêm mỗi hồ sơ", "Added per case"),
    "status_new": ("mới", "new"),
    "status_removed": ("đã bỏ", "removed"),
    "status_slower": ("chậm hơn", "slower"),
    "status_faster": ("nhanh hơn", "faster"),
    "status_unchanged": ("không đổi", "unchanged"),
    "status_insufficient": ("ít dữ liệu", "too few"),
    "where_before": ("trước «{activity}»", "before “{activity}”"),
    "f_introduced_new": (
        "Điểm nghẽn mới: hồ sơ giờ chờ trung vị {after} ở {where}, chỗ chờ này không có trước "
        "đây; mỗi hồ sơ mất thêm {added}.",
        "New bottleneck: cases now wait a median {after} at {where}, a wait that did not exist "
        "before; it adds {added} to the average case.",
    ),
    "f_introduced_slower": (
        "Hồ sơ giờ chờ trung vị {after} {where} thay vì {before}; mỗi hồ sơ mất thêm {added}.",
        "Cases now wait a median {after} {where} instead of {before}; it adds {added} to the "
        "average case.",
    ),
    "e_introduced": (
        "Bảng điểm nghẽn mới, hạng 1; trước: {nb} lần, sau: {na} lần.",
        "Introduced bottlenecks table, rank 1; before: {nb} times, after: {na} times.",
    ),
    "e_improved": (
        "Bảng chỗ được cải thiện, hạng 1; trước: {nb} lần, sau: {na} lần.",
        "Improvements table, rank 1; before: {nb} times, after: {na} times.",
    ),
    "f_improved_removed": (
        "Cải thiện lớn nhất: bỏ được chỗ chờ {where} (trước đây trung vị {before}), tiết kiệm "
        "{saved} cho mỗi hồ sơ.",
        "Biggest improvement: the wait {where} is gone (a median {before} before), saving the "
        "average case {saved}.",
    ),
    "f_improved": (
        "Cải thiện lớn nhất: {where} tiết kiệm {saved} cho mỗi hồ sơ ({before} → {after}).",
        "Biggest improvement: {where} saves the average case {saved} ({before} → {after}).",
    ),
    "diff_graph": ("Sơ đồ khác biệt trước/sau", "Before/after difference map"),
    "diff_intro": (
        "Mũi tên đỏ: chờ lâu hơn (có ý nghĩa thống kê); đỏ sẫm, đậm: chỗ chờ mới; xanh lá: "
        "nhanh hơn; xanh lá nét đứt: đã bỏ; xám: không đổi rõ rệt; xám nhạt, nét chấm: quá ít "
        "lần chờ để kết luận. Nhãn: thời gian chờ trung vị trước → sau; chú giải ở dưới sơ đồ.",
        "Red arrows: significantly slower; dark red, thick: new waits; green: faster; dashed "
        "green: removed; grey: no clear change; light grey, dotted: too few waits to tell. "
        "Labels: median wait before → after; the legend is below the map.",
    ),
    "diff_caption": ("Sơ đồ khác biệt trước/sau", "Before/after difference map"),
    "demand": ("Nhu cầu", "Demand"),
    "demand_text": (
        "Hồ sơ mới mỗi tuần: {before} trước, {after} sau ({change}; Mann–Whitney p {p}). "
        "Số hồ sơ đang mở trung bình đầu tuần: {wb} trước, {wa} sau.",
        "New cases per week: {before} before, {after} after ({change}; Mann–Whitney p {p}). "
        "Open cases at the start of a week, on average: {wb} before, {wa} after.",
    ),
    "demand_same": (
        "Nhu cầu không đổi rõ rệt, nên thay đổi về thời gian không do lượng hồ sơ.",
        "Demand did not change clearly, so the change in time is not due to the workload.",
    ),
    "demand_changed": (
        "Nhu cầu đã thay đổi rõ rệt: cần tính đến khi đọc thay đổi về thời gian.",
        "Demand changed clearly: keep it in mind when reading the change in time.",
    ),
    "f_demand": (
        "Số hồ sơ mới mỗi tuần thay đổi {change} ({before} → {after}).",
        "New cases per week changed by {change} ({before} → {after}).",
    ),
    "e_demand": (
        "Mann–Whitney p {p} trên {wb} và {wa} tuần.",
        "Mann–Whitney p {p} over {wb} and {wa} weeks.",
    ),
    "unit_work": (
        "Khối lượng theo đơn vị (bước mỗi tuần, trung vị)",
        "Work by unit (steps per week, median)",
    ),
    "officer_work": (
        "Khối lượng theo cán bộ (bước mỗi tuần, trung vị)",
        "Work by officer (steps per week, median)",
    ),
    "split_marker": ("ngày chia", "split"),
    # drift
    "drift": ("Thay đổi theo thời gian", "Changes over time"),
    "drift_intro": (
        "Các ngày mà thời gian chờ, thời gian giải quyết, số hồ sơ mới hoặc luồng công việc "
        "thay đổi rõ rệt (phát hiện điểm thay đổi trên chuỗi theo {unit}).",
        "Dates at which waiting, throughput time, new cases or the flow of work changed clearly "
        "(change points found in the {unit} series).",
    ),
    "drift_none": (
        "Không phát hiện thay đổi rõ rệt trong {n} {unit}.",
        "No clear change was found over {n} {unit}s.",
    ),
    "gran_day": ("ngày", "day"),
    "gran_week": ("tuần", "week"),
    "col_date": ("Từ ngày", "From"),
    "col_what": ("Điều gì thay đổi", "What changed"),
    "col_strength": ("Độ mạnh", "Strength"),
    "metric_wait_median_s": ("thời gian chờ trung vị", "median wait"),
    "metric_wait_p90_s": ("thời gian chờ P90", "P90 wait"),
    "metric_throughput_median_s": ("thời gian giải quyết trung vị", "median throughput time"),
    "metric_throughput_p90_s": ("thời gian giải quyết P90", "P90 throughput time"),
    "metric_arrivals_per_day": ("số hồ sơ mới mỗi ngày làm việc", "new cases per working day"),
    "metric_flow": ("tỷ lệ các bước", "share of the steps"),
    "moved_up": (
        "{what}{where} tăng từ {before} lên {after}",
        "{what}{where} rose from {before} to {after}",
    ),
    "moved_down": (
        "{what}{where} giảm từ {before} xuống {after}",
        "{what}{where} fell from {before} to {after}",
    ),
    "flow_moved": (
        "luồng công việc thay đổi ({what} {before} → {after})",
        "the flow changed ({what} {before} → {after})",
    ),
    "on_element": (" ở {element}", " on {element}"),
    "f_drift": ("Từ {date}, {what}.", "From {date}, {what}."),
    "e_drift": (
        "Điểm thay đổi mạnh nhất trong {n} điểm (độ mạnh {strength}).",
        "The strongest of {n} change points (strength {strength}).",
    ),
    "drift_plot": (
        "Thời gian chờ trung vị theo {unit}, với các điểm thay đổi",
        "Median wait by {unit}, with the change points",
    ),
    "axis_period": ("Thời gian", "Time"),
    # causes
    "causes": ("Nguyên nhân chờ", "Why work waits"),
    "causes_intro": (
        "Mỗi khoảng chờ được chia thành năm nguyên nhân: gom lô (chờ cả lô), tranh chấp nguồn "
        "lực (cán bộ bận việc khác), ưu tiên (hồ sơ đến sau được làm trước), cán bộ không làm "
        "việc (ngoài giờ làm việc: {availability}) và nguyên nhân khác.",
        "Each wait is split into five causes: batching (waiting for a batch), resource "
        "contention (the officer is busy with other work), prioritization (later cases are "
        "served first), resource unavailability (outside working time: {availability}) and "
        "other (extraneous) causes.",
    ),
    "availability_learned": (
        "giờ làm việc học từ nhật ký cho từng cán bộ",
        "working hours learned from the log per officer",
    ),
    "cause_batching": ("gom lô", "batching"),
    "cause_resource_contention": ("tranh chấp nguồn lực", "resource contention"),
    "cause_prioritization": ("ưu tiên", "prioritization"),
    "cause_resource_unavailability": ("cán bộ không làm việc", "resource unavailability"),
    "cause_extraneous": ("nguyên nhân khác", "other causes"),
    "col_cause": ("Nguyên nhân", "Cause"),
    "causes_top": (
        "Các cặp (chuyển bước, nguyên nhân) lớn nhất",
        "The largest (hand-over, cause) pairs",
    ),
    "f_cause": (
        "{share} thời gian chờ giữa «{source}» và «{target}» là do {cause}.",
        "{share} of the waiting between “{source}” and “{target}” is {cause}.",
    ),
    "e_cause": (
        "{total} trên tổng {all} thời gian chờ; {count} lần chuyển.",
        "{total} of {all} waiting in all; {count} hand-overs.",
    ),
    "causes_plot": (
        "Thời gian chờ theo nguyên nhân ở các điểm nghẽn lớn nhất",
        "Waiting by cause at the top bottlenecks",
    ),
    "axis_share": ("Tỷ lệ thời gian chờ", "Share of the waiting time"),
    "causes_calendar": (
        "Nguyên nhân chờ: giờ làm việc của mỗi cán bộ được học từ nhật ký (các giờ trong tuần "
        "mà cán bộ thường làm việc); ngoài các giờ đó thời gian chờ tính là cán bộ không làm "
        "việc.",
        "Waiting causes: each officer's working hours are learned from the log (the hours of "
        "the week in which they usually work); waiting outside them counts as resource "
        "unavailability.",
    ),
    # flows
    "flows": ("Đường đi, làm lại và chuyển giao", "Paths, rework and hand-offs"),
    "variants": ("Các đường đi phổ biến nhất", "The most common paths"),
    "variants_intro": (
        "{count} đường đi khác nhau trong {cases} hồ sơ.",
        "{count} distinct paths in {cases} cases.",
    ),
    "col_path": ("Đường đi", "Path"),
    "col_steps": ("Số bước", "Steps"),
    "col_vs_common": ("So với phổ biến nhất", "Vs the most common"),
    "rework": ("Làm lại", "Rework"),
    "rework_intro": (
        "{affected} hồ sơ ({share}) có bước bị làm lại; {repeats} lần làm lại.",
        "{affected} cases ({share}) repeat a step; {repeats} repeats in all.",
    ),
    "col_repeats": ("Số lần lặp", "Repeats"),
    "col_added_wait": ("Thời gian chờ thêm", "Added waiting"),
    "kind_loop": ("vòng lặp", "loop"),
    "kind_re-entry": ("nhập lại dữ liệu", "data typed again"),
    "col_kind": ("Loại", "Kind"),
    "handoffs": ("Chuyển giao giữa các đơn vị", "Hand-offs between units"),
    "handoffs_officers": ("Chuyển giao giữa các cán bộ", "Hand-offs between officers"),
    "handoffs_intro": (
        "{share} thời gian chờ nằm ở các lần chuyển hồ sơ sang {level} khác (trung vị {median} "
        "mỗi lần), so với trung vị {within} khi ở lại cùng {level}.",
        "{share} of the waiting is at hand-offs to another {level} (median {median} each), "
        "against a median of {within} when the case stays within one {level}.",
    ),
    "level_group": ("đơn vị", "unit"),
    "level_resource": ("cán bộ", "officer"),
    "col_from_unit": ("Từ", "From"),
    "col_to_unit": ("Đến", "To"),
    "f_handoffs": (
        "{share} thời gian chờ xảy ra khi hồ sơ chuyển sang {level} khác.",
        "{share} of the waiting happens when a case passes to another {level}.",
    ),
    "e_handoffs": (
        "{count} lần chuyển giao, trung vị {median} mỗi lần.",
        "{count} hand-offs, median {median} each.",
    ),
    "f_rework_paths": (
        "{share} hồ sơ không đi theo đường phổ biến nhất; đường phổ biến thứ hai chậm hơn "
        "{slower}.",
        "{share} of the cases do not follow the most common path; the second path is {slower} "
        "slower.",
    ),
    # discovered model
    "model": ("Mô hình quy trình được phát hiện", "Discovered process model"),
    "model_intro": (
        "Mô hình được khai phá bằng thuật toán {miner} (ngưỡng nhiễu {noise}). Độ khớp (fitness) "
        "{fitness}: tỷ lệ hành vi của nhật ký mà mô hình cho phép; độ chính xác (precision) "
        "{precision}: mô hình không cho phép quá nhiều hành vi không có trong nhật ký.",
        "Model mined with the {miner} miner (noise threshold {noise}). Fitness {fitness}: how "
        "much of the log's behaviour the model allows; precision {precision}: how little "
        "behaviour it allows that the log does not show.",
    ),
    "model_no_quality": (
        "Độ khớp và độ chính xác không được đo cho nhật ký lớn (quá chậm); lệnh bottleneck "
        "discover đo chúng.",
        "Fitness and precision are not measured for large logs (too slow); bottleneck discover "
        "measures them.",
    ),
    "model_caption": ("Mô hình quy trình (BPMN) được phát hiện", "Discovered process model (BPMN)"),
    "omitted_note": (
        "Phần «{section}» không có: {reason}",
        "Section “{section}” left out: {reason}",
    ),
}
