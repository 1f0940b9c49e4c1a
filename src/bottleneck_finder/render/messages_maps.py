"""Words of the process map and the model picture in Vietnamese and English: labels, legends."""

from __future__ import annotations

# key -> (Vietnamese, English). Placeholders are filled with str.format. The English texts are
# the CLI's pictures (tests/golden/graph, tests/golden/discover): change them only with those.
MAP_MESSAGES: dict[str, tuple[str, str]] = {
    # boxes, arrows and their tooltips
    "graph_times": ("{count} lần", "{count}×"),
    "graph_wait": ("chờ {wait}", "wait {wait}"),
    "graph_work": ("xử lý {work}", "work {work}"),
    "graph_start": ("bắt đầu", "start"),
    "graph_end": ("kết thúc", "end"),
    "graph_start_tip": ("{count} hồ sơ bắt đầu ở đây", "{count} cases start here"),
    "graph_end_tip": ("{count} hồ sơ kết thúc ở đây", "{count} cases end here"),
    "graph_mark": ("#{rank} · {share} tổng chờ", "#{rank} · {share} of wait"),
    "graph_mark_tip": (
        "điểm nghẽn #{rank} ({share} tổng thời gian chờ) — {tip}",
        "bottleneck #{rank} ({share} of all waiting) — {tip}",
    ),
    "graph_node_tip": ("{name}: {count} lần", "{name}: {count} times"),
    "graph_node_tip_work": (
        ", thời gian xử lý trung vị {work}",
        ", median work {work}",
    ),
    "graph_hot": (
        "nơi chờ nhiều nhất: {share} tổng chờ",
        "most waiting before: {share} of wait",
    ),
    "graph_hot_tip": (
        "; chờ nhiều nhất trước bước này ({share} tổng thời gian chờ)",
        "; most waiting before it ({share} of all waiting)",
    ),
    "graph_edge_tip": (
        "{source} → {target}: {count} lần, chờ trung vị {wait}, P90 {p90}, tổng {total}",
        "{source} → {target}: {count} times, median wait {wait}, p90 {p90}, total {total}",
    ),
    "graph_cause_tip": (
        "; chủ yếu do {cause} ({share} thời gian chờ của mũi tên này)",
        "; mostly {cause} ({share} of its wait)",
    ),
    "graph_no_cause_tip": (
        "; không có thời gian chờ nào được quy cho một nguyên nhân",
        "; no waiting time attributed to a cause",
    ),
    "graph_isolated": (
        "Các bước có mọi mũi tên đều bị ẩn",
        "Activities whose arrows are all hidden",
    ),
    # waiting causes as arrow colours (`analyze --color-by cause`)
    "graph_cause_batching": ("gom lô", "batching"),
    "graph_cause_resource_contention": ("tranh chấp nguồn lực", "resource contention"),
    "graph_cause_prioritization": ("ưu tiên", "prioritization"),
    "graph_cause_resource_unavailability": ("cán bộ không làm việc", "resource unavailability"),
    "graph_cause_extraneous": ("nguyên nhân khác", "extraneous"),
    "graph_cause_none": ("chưa xác định", "none attributed"),
    # the map's legend
    "graph_legend_title": ("Cách đọc sơ đồ", "How to read this map"),
    "graph_legend_box": ("Ô: bước · số lần thực hiện", "Box: activity · times done"),
    "graph_legend_box_work": (
        "Ô: bước · số lần · thời gian xử lý trung vị",
        "Box: activity · times done · median work time",
    ),
    "graph_legend_arrow": (
        "Mũi tên: bước này nối tiếp ngay sang bước sau · số lần · chờ trung vị",
        "Arrow: one step directly followed by the next · times · median wait",
    ),
    "graph_legend_cause": (
        "Màu: nguyên nhân của phần lớn thời gian chờ thực (24/7) trên mũi tên (tỷ lệ của nó)",
        "Colour: the cause of most of the arrow's real (wall-clock) waiting time (its share of it)",
    ),
    "graph_legend_flat": (
        "Màu: thời gian chờ trung vị (mọi giá trị trên sơ đồ là {zero} hoặc {only})",
        "Colour: median wait (every median wait shown is {zero} or {only})",
    ),
    "graph_legend_scale": (
        "Màu: thời gian chờ trung vị, thang logarit (ổn → đáng lo)",
        "Colour: median wait, log scale (calm → alarming)",
    ),
    "graph_legend_width": (
        "Độ dày: số lần (dày nhất = {count} lần)",
        "Width: how often (thickest = {count} times)",
    ),
    "graph_legend_marks": (
        ": điểm nghẽn lớn nhất (viền đậm), mũi tên có tổng thời gian chờ lớn nhất (tỷ lệ trong "
        "tổng chờ)",
        ": biggest bottlenecks (dark outline), the arrows with the most total waiting (share of "
        "all waiting time)",
    ),
    "graph_legend_hot_head": ("Ô đỏ", "Red box"),
    "graph_legend_hot": (
        ": bước phải chờ nhiều nhất ({share} tổng thời gian chờ)",
        ": the activity that waits most ({share} of all waiting)",
    ),
    "graph_legend_hidden": (
        "Ẩn {hidden} trên {total} mũi tên ({share} số lần chuyển)",
        "{hidden} of {total} arrows hidden ({share} of transitions)",
    ),
    "graph_wait_start_to_previous_end": (
        "chờ = lúc bước sau bắt đầu − lúc bước trước kết thúc",
        "wait = start of next step − end of previous step",
    ),
    "graph_wait_end_to_previous_end": (
        "chờ = lúc bước sau kết thúc − lúc bước trước kết thúc (gồm cả thời gian xử lý bước sau)",
        "wait = end of next step − end of previous step (includes the next step's own work)",
    ),
    # the discovered model
    "model_legend_title": ("Cách đọc mô hình", "How to read this model"),
    "model_bpmn": ("BPMN", "BPMN"),
    "model_petri": ("mạng Petri", "Petri net"),
    "model_legend_box": (
        "Ô: bước · số lần · chờ trung vị trước bước (màu ô và mũi tên)",
        "Box: activity · times done · median wait before it (box and arrow colour)",
    ),
    "model_legend_box_work": (
        "Ô: bước · số lần · xử lý trung vị · chờ trung vị trước bước (màu ô và mũi tên)",
        "Box: activity · times done · median work · median wait before it (box and arrow colour)",
    ),
    "model_legend_arrow": (
        "Mũi tên vào một bước: chờ trung vị trước bước đó; độ dày: số lần",
        "Arrow into an activity: median wait before it; width: how often",
    ),
    "model_legend_bpmn": (
        "◇ × chọn một nhánh · ◇ + tách/nhập song song · ○ bắt đầu · ◎ kết thúc",
        "◇ × exclusive choice · ◇ + parallel split/join · ○ start · ◎ end",
    ),
    "model_legend_petri": (
        "○ vị trí · ▮ bước ẩn (bỏ qua hoặc lặp) · ● vị trí đầu · ◎ vị trí cuối",
        "○ place · ▮ silent step (skip or loop) · ● start place · ◎ end place",
    ),
    "model_legend_act_head": ("Ô đỏ #1, #2, …", "Red box #1, #2, …"),
    "model_legend_act": (
        ": các bước có tổng thời gian chờ trước bước lớn nhất",
        ": the activities with the most total waiting before them",
    ),
    "model_legend_arcs": (
        ": các lần chuyển bước có tổng thời gian chờ lớn nhất, ghi tại bước nhận",
        ": the transitions with the most total waiting, shown at their target",
    ),
    "model_left_out": (
        "Không có trong mô hình (thuật toán khai phá bỏ qua vì ít gặp): {count} bước: {named}",
        "Not in the model (left out by the miner as infrequent): {count} activities: {named}",
    ),
    "model_xor": ("chọn một nhánh", "exclusive choice"),
    "model_and": ("song song", "parallel"),
    "model_or": ("chọn một hoặc nhiều nhánh", "inclusive choice"),
    "model_place": ("vị trí", "place"),
    "model_silent": ("bước ẩn (bỏ qua hoặc lặp lại)", "silent step (skip or loop)"),
    "model_task_tip": (
        "{name}: {count} lần, chờ trung vị trước bước {wait}",
        "{name}: {count} times, median wait before {wait}",
    ),
    "model_mark": (
        "#{rank} nơi chờ nhiều nhất: {share} tổng chờ",
        "#{rank} most waiting before: {share} of wait",
    ),
    "model_mark_tip": ("; điểm nghẽn #{rank}", "; bottleneck #{rank}"),
    "model_arc_mark": (
        "A{rank} sau «{source}»: trung vị {wait}, {share} tổng chờ",
        "A{rank} after {source}: {wait} median, {share} of wait",
    ),
}
