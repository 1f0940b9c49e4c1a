"""Words of `bottleneck drift` in Vietnamese and English: change points, moves, the drift plot."""

from __future__ import annotations

# key -> (Vietnamese, English). Placeholders are filled with str.format. The English texts are
# the CLI's output and the drift@1 descriptions pinned by tests/golden: change them only with
# those.
DRIFT_MESSAGES: dict[str, tuple[str, str]] = {
    # series and their groups
    "dr_metric_wait_median_s": ("thời gian chờ trung vị", "median wait"),
    "dr_metric_wait_p90_s": ("thời gian chờ P90", "p90 wait"),
    "dr_metric_throughput_median_s": ("thời gian giải quyết trung vị", "median throughput time"),
    "dr_metric_throughput_p90_s": ("thời gian giải quyết P90", "p90 throughput time"),
    "dr_metric_arrivals_per_day": ("số hồ sơ mới mỗi ngày làm việc", "new cases per working day"),
    "dr_metric_flow": ("tỷ lệ các bước", "share of the steps"),
    "dr_group_wait": ("thời gian chờ", "wait"),
    "dr_group_throughput": ("thời gian giải quyết", "throughput"),
    "dr_group_arrivals": ("hồ sơ mới", "arrivals"),
    "dr_group_flow": ("luồng công việc", "flow"),
    "dr_other": ("các chuyển bước khác", "other"),
    "dr_all": ("toàn bộ", "all"),
    "dr_new": (" (mới)", " (new)"),
    # one move, one change point
    "dr_move_up": (
        "{what}{where} tăng từ {before} lên {after}",
        "{what}{where} rose from {before} to {after}",
    ),
    "dr_move_down": (
        "{what}{where} giảm từ {before} xuống {after}",
        "{what}{where} fell from {before} to {after}",
    ),
    "dr_flow_up": (
        "luồng công việc thay đổi: {what} thuộc {first} tăng từ {before} lên {after}",
        "the process flow changed: {what} that are {first} rose from {before} to {after}",
    ),
    "dr_flow_down": (
        "luồng công việc thay đổi: {what} thuộc {first} giảm từ {before} xuống {after}",
        "the process flow changed: {what} that are {first} fell from {before} to {after}",
    ),
    "dr_where_activity": (" trước {activity}", " before {activity}"),
    "dr_where_transition": (" ở {source} → {target}", " on {source} → {target}"),
    "dr_point": (
        "từ {day}: {move} (độ mạnh {strength}){tail}",
        "from {day}: {move} (strength {strength}){tail}",
    ),
    "dr_also_moved": ("; cũng thay đổi: {groups}", "; also moved: {groups}"),
    "dr_cutoff": (
        "chuỗi thời gian giải quyết dừng ở các hồ sơ bắt đầu trước {date}: các hồ sơ sau đó có "
        "thể chưa kết thúc",
        "throughput series stops at the cases that started before {date}: later cases may "
        "still be open",
    ),
    # the terminal lines
    "dr_head": (
        "{source}: {periods} {unit} có công việc, từ hồ sơ bắt đầu đầu tiên đến hồ sơ bắt đầu "
        "cuối cùng ({first} → {last}); đã xem xét: {metrics}",
        "{source}: {periods} {unit} with work between the first and the last case start "
        "({first} → {last}); looked at: {metrics}",
    ),
    "dr_weeks": ("tuần", "weeks"),
    "dr_days": ("ngày", "days"),
    "dr_working": (
        "thời gian chờ và thời gian giải quyết tính theo thời gian làm việc (lịch {calendar}; "
        "1 ngày làm việc = {hours} giờ làm việc); các kỳ và ngày tháng là ngày thực",
        "waits and throughput times are working time (calendar {calendar}; 1 wd = {hours} h of "
        "work); periods and dates are real dates",
    ),
    "dr_no_point": (
        "Không có điểm thay đổi: các chuỗi giữ nguyên một mức (xem drift.png).",
        "No change point: the series stay at one level (see drift.png).",
    ),
    "dr_points_one": (
        "{count} điểm thay đổi (cũ nhất trước):",
        "{count} change point (oldest first):",
    ),
    "dr_points": (
        "{count} điểm thay đổi (cũ nhất trước):",
        "{count} change points (oldest first):",
    ),
    "dr_also": ("      đồng thời: {move} (từ {when})", "      also: {move} (from {when})"),
    "dr_week_of": ("tuần bắt đầu {day}", "the week of {day}"),
    "dr_where": ("      ở đâu: {shown}{more}", "      where: {shown}{more}"),
    "dr_more": (" (và {count} chỗ khác)", " (+{count} more)"),
    # the drift plot
    "dp_title_wait": ("Thời gian chờ giữa các bước", "Waiting time between steps"),
    "dp_title_throughput": (
        "Thời gian giải quyết hồ sơ, theo ngày bắt đầu",
        "Throughput time of cases, by case start",
    ),
    "dp_title_arrivals": ("Hồ sơ mới mỗi ngày làm việc", "New cases per working day"),
    "dp_title_flow": (
        "Thay đổi luồng công việc: tỷ lệ cặp bước khác nhau, giai đoạn trước so với sau",
        "Flow change: share of step pairs that differ, window before vs after",
    ),
    "dp_median": ("trung vị", "median"),
    "dp_p90": ("P90", "p90"),
    "dp_new_per_day": ("hồ sơ mới / ngày", "new cases / day"),
    "dp_distance": ("khác biệt", "distance"),
    "dp_unit_hours": ("giờ", "hours"),
    "dp_unit_days": ("ngày", "days"),
    "dp_unit_cases": ("hồ sơ", "cases"),
    "dp_unit_share": ("tỷ lệ", "share"),
    "dp_working_hours": ("giờ làm việc", "working hours"),
    "dp_working_days": ("ngày làm việc", "working days"),
    "dp_per_week": ("theo tuần", "per week"),
    "dp_per_day": ("theo ngày", "per day"),
    "dp_working": (
        "; thời lượng tính theo thời gian làm việc (lịch {calendar})",
        "; durations in working time (calendar {calendar})",
    ),
    "dp_title_one": (
        "{source} — {period}; {count} điểm thay đổi (nét đứt){basis}",
        "{source} — {period}; {count} change point (dashed){basis}",
    ),
    "dp_title": (
        "{source} — {period}; {count} điểm thay đổi (nét đứt){basis}",
        "{source} — {period}; {count} change points (dashed){basis}",
    ),
}
