"""Terminal words of `bottleneck causes` in Vietnamese and English: why work waits, per cause."""

from __future__ import annotations

# key -> (Vietnamese, English). Placeholders are filled with str.format. The English texts are
# the CLI's output pinned by tests/golden (the English cause names are the JSON's keys).
CAUSES_MESSAGES: dict[str, tuple[str, str]] = {
    "cs_head": (
        "{source}: {steps} lần chờ trước một bước, tổng thời gian chờ {total}; giờ làm việc: "
        "{availability}",
        "{source}: {steps} waiting steps, total wait {total}; availability: {availability}",
    ),
    "cs_learned": ("học từ nhật ký cho từng cán bộ", "learned per resource"),
    "cs_calendar": ("lịch {name}", "calendar {name}"),
    "cs_by_cause": ("theo nguyên nhân: {parts}", "by cause: {parts}"),
    "cs_cause_batching": ("gom lô", "batching"),
    "cs_cause_resource_contention": ("tranh chấp nguồn lực", "resource_contention"),
    "cs_cause_prioritization": ("ưu tiên", "prioritization"),
    "cs_cause_resource_unavailability": ("cán bộ không làm việc", "resource_unavailability"),
    "cs_cause_extraneous": ("nguyên nhân khác", "extraneous"),
    "cs_short_batching": ("gom lô", "batch"),
    "cs_short_resource_contention": ("tranh chấp", "contention"),
    "cs_short_prioritization": ("ưu tiên", "priority"),
    "cs_short_resource_unavailability": ("ngoài giờ", "unavail."),
    "cs_short_extraneous": ("khác", "extran."),
    "cs_unattributed": (
        "{count} lần thực hiện bước không có thời điểm bắt đầu: không tách được thời gian chờ "
        "trước đó khỏi thời gian xử lý của bước, nên không quy cho nguyên nhân nào ({time} giữa "
        "các bước chưa được quy nguyên nhân)",
        "{count} activity instances have no start time: the time before them cannot be told "
        "apart from their own work, so it is not attributed to a cause ({time} between steps "
        "left unattributed)",
    ),
    "cs_no_start": (
        "không có thời điểm bắt đầu thì không quy được thời gian chờ cho nguyên nhân nào: hãy "
        "chỉ ra cột thời điểm bắt đầu (--start-timestamp) hoặc dùng nhật ký có sự kiện bắt "
        "đầu/kết thúc",
        "without start times no waiting time can be attributed to a cause: give the start "
        "column (--start-timestamp) or a log with start/complete events",
    ),
    "cs_no_wait": ("(không có thời gian chờ giữa các bước)", "(no waiting time between steps)"),
    "cs_top_pairs": (
        "Các cặp (chuyển bước, nguyên nhân) có thời gian chờ lớn nhất:",
        "Top (transition, cause) pairs by waiting time:",
    ),
    "cs_per_transition": (
        "Thời gian chờ theo nguyên nhân, theo từng chuyển bước (tỷ lệ trong thời gian chờ ở đó):",
        "Waiting time by cause, per transition (share of its wait):",
    ),
    "cs_per_activity": (
        "Thời gian chờ theo nguyên nhân, theo từng bước (tỷ lệ trong thời gian chờ ở đó):",
        "Waiting time by cause, per activity (share of its wait):",
    ),
    "cs_per_resource": (
        "Thời gian chờ theo nguyên nhân, theo từng cán bộ (tỷ lệ trong thời gian chờ ở đó):",
        "Waiting time by cause, per resource (share of its wait):",
    ),
}
