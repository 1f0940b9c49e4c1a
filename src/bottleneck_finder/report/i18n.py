"""The report's words in Vietnamese and English: messages, numbers, durations and dates."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")

# key -> (Vietnamese, English). Placeholders are filled with str.format.
MESSAGES: dict[str, tuple[str, str]] = {
    "default_title": ("Báo cáo điểm nghẽn quy trình", "Process bottleneck report"),
    "generated": (
        "Tạo lúc {when} bởi bottleneck {version}",
        "Generated {when} by bottleneck {version}",
    ),
    "source_line": ("Nhật ký: {source} · {period}", "Log: {source} · {period}"),
    "toc": ("Mục lục", "Contents"),
    "not_anonymized": (
        "KHÔNG ẨN DANH: báo cáo này được tạo với --no-anonymize và có thể chứa tên cán bộ. "
        "Không chia sẻ ra ngoài đơn vị.",
        "NOT ANONYMIZED: this report was made with --no-anonymize and may contain officers' "
        "names. Do not share it outside the organisation.",
    ),
    "anonymized_note": (
        "Dữ liệu cá nhân được bảo vệ: không hiển thị mã hồ sơ; cán bộ được thay bằng bí danh "
        "(“{example}”); các thuộc tính văn bản tự do không được sao chép.",
        "Personal data is protected: no case identifier is shown; officers appear as pseudonyms "
        "(“{example}”); free-text attributes are never copied.",
    ),
    "officer": ("Cán bộ {n}", "Officer {n}"),
    "no_resource": ("(không ghi)", "(not recorded)"),
    # executive summary
    "summary": ("Tóm tắt kết quả", "Executive summary"),
    "summary_intro": (
        "Những phát hiện chính, xếp theo mức độ quan trọng. Mỗi phát hiện kèm con số và bằng "
        "chứng.",
        "The main findings, most important first, each with its number and its evidence.",
    ),
    "evidence": ("Bằng chứng", "Evidence"),
    "no_findings": (
        "Không có thời gian chờ giữa các bước: mỗi hồ sơ chỉ có một bước.",
        "There is no waiting between steps: every case has a single step.",
    ),
    "f_top_transition": (
        "Công việc chờ lâu nhất giữa «{source}» và «{target}»: chiếm {share} tổng thời gian "
        "chờ, trung vị {median} mỗi lần.",
        "Work waits longest between “{source}” and “{target}”: {share} of all waiting time, a "
        "median of {median} each time.",
    ),
    "e_top_transition": (
        "{count} lần chuyển trong {cases} hồ sơ; 10% chờ lâu hơn {p90}; tổng {total} (bảng "
        "điểm nghẽn, hạng 1).",
        "{count} hand-overs in {cases} cases; 10% waited longer than {p90}; {total} in all "
        "(bottleneck table, rank 1).",
    ),
    "f_top_activity": (
        "Bước «{activity}» là nơi hồ sơ chờ nhiều nhất trước khi được xử lý: {share} tổng thời "
        "gian chờ.",
        "“{activity}” is the step cases wait for most before it starts: {share} of all waiting "
        "time.",
    ),
    "e_top_activity": (
        "Trung vị {median}, 10% chờ lâu hơn {p90}, trên {count} lần thực hiện.",
        "Median {median}, 10% waited longer than {p90}, over {count} executions.",
    ),
    "f_throughput": (
        "Một hồ sơ mất trung vị {median} từ bước đầu đến bước cuối; 10% hồ sơ mất hơn {p90}.",
        "A case takes a median of {median} from its first to its last step; 10% take longer "
        "than {p90}.",
    ),
    "e_throughput": (
        "{cases} hồ sơ từ {first} đến {last}; trung bình {mean}, lâu nhất {max}.",
        "{cases} cases from {first} to {last}; mean {mean}, longest {max}.",
    ),
    "f_wait_share": (
        "Hồ sơ nằm chờ nhiều hơn được xử lý: thời gian chờ chiếm {share} tổng thời gian.",
        "Cases spend more time waiting than being worked on: waiting is {share} of the time.",
    ),
    "f_wait_share_low": (
        "Thời gian chờ chiếm {share} tổng thời gian của hồ sơ; phần còn lại là thời gian xử lý.",
        "Waiting is {share} of the cases' time; the rest is work.",
    ),
    "e_wait_share": (
        "Tổng thời gian chờ {wait}, tổng thời gian xử lý {work}.",
        "Total waiting {wait}, total work {work}.",
    ),
    "f_rework": (
        "Bước «{activity}» bị làm lại {rework} lần ({share} số lần thực hiện).",
        "“{activity}” is repeated {rework} times ({share} of its executions).",
    ),
    "e_rework": (
        "{count} lần thực hiện trong {cases} hồ sơ.",
        "{count} executions in {cases} cases.",
    ),
    # process graph
    "process": ("Sơ đồ quy trình", "Process map"),
    "process_intro": (
        "Mỗi ô là một bước, mỗi mũi tên là một lần chuyển trực tiếp sang bước sau. Màu mũi tên "
        "cho biết thời gian chờ trung vị (xám: ngắn, đỏ đậm: dài), độ dày cho biết số lần. Các "
        "điểm nghẽn lớn nhất được đánh số #1, #2, #3.",
        "Each box is a step, each arrow a step directly followed by the next. The arrow's colour "
        "shows the median wait (grey: short, deep red: long), its width how often it happens. "
        "The biggest bottlenecks are numbered #1, #2, #3.",
    ),
    "process_caption": ("Sơ đồ quy trình với các điểm nghẽn", "Process map with bottlenecks"),
    "graph_times": ("{count} lần", "{count}×"),
    "graph_wait": ("chờ {wait}", "wait {wait}"),
    "graph_start": ("bắt đầu", "start"),
    "graph_end": ("kết thúc", "end"),
    "graph_mark": ("#{rank} · {share} thời gian chờ", "#{rank} · {share} of wait"),
    "graph_legend_title": ("Cách đọc sơ đồ", "How to read this map"),
    "graph_legend_colour": (
        "Màu: thời gian chờ trung vị, từ {low} (xám) đến {high} (đỏ đậm)",
        "Colour: median wait, from {low} (grey) to {high} (deep red)",
    ),
    "graph_legend_width": (
        "Độ dày: số lần (dày nhất = {count} lần)",
        "Width: how often (thickest = {count} times)",
    ),
    "graph_legend_hidden": (
        "{hidden} trên {total} mũi tên ít gặp được ẩn",
        "{hidden} of {total} rare arrows hidden",
    ),
    "no_graph": (
        "Không vẽ được sơ đồ: chưa cài Graphviz (apt-get install graphviz).",
        "The map was not drawn: Graphviz is not installed (apt-get install graphviz).",
    ),
    # bottleneck table
    "bottlenecks": ("Bảng điểm nghẽn", "Bottleneck table"),
    "bottlenecks_intro": (
        "Các lần chuyển bước có tổng thời gian chờ lớn nhất. Tỷ lệ là phần của tổng thời gian "
        "chờ trong toàn bộ nhật ký.",
        "The hand-overs with the most waiting time in all. The share is the part of all waiting "
        "time in the log.",
    ),
    "col_rank": ("Hạng", "Rank"),
    "col_from": ("Từ bước", "From"),
    "col_to": ("Đến bước", "To"),
    "col_activity": ("Bước", "Step"),
    "col_count": ("Số lần", "Times"),
    "col_cases": ("Số hồ sơ", "Cases"),
    "col_total": ("Tổng chờ", "Total wait"),
    "col_share": ("Tỷ lệ", "Share"),
    "col_median": ("Trung vị", "Median"),
    "col_p90": ("P90", "P90"),
    "col_officer": ("Cán bộ", "Officer"),
    "col_unit": ("Đơn vị", "Unit"),
    "activities": ("Thời gian chờ trước mỗi bước", "Waiting before each step"),
    "who_waits": ("Ai nhận hồ sơ ở điểm nghẽn #1", "Who receives the work at bottleneck #1"),
    "who_waits_intro": (
        "Thời gian chờ trước «{target}» (sau «{source}») theo cán bộ thực hiện bước đó.",
        "Waiting before “{target}” (after “{source}”) by the officer who does it.",
    ),
    # plots
    "plots": ("Biểu đồ", "Charts"),
    "plot_waits": (
        "Phân bố thời gian chờ ở các điểm nghẽn lớn nhất",
        "Waiting time at the top bottlenecks",
    ),
    "plot_waits_intro": (
        "Số lần chuyển theo thời gian chờ (trục ngang theo thang logarit); đường nét đứt là "
        "trung vị.",
        "How many hand-overs waited how long (logarithmic horizontal axis); dashed lines are "
        "medians.",
    ),
    "plot_weekly": ("Thời gian chờ và số hồ sơ theo tuần", "Waiting and arrivals by week"),
    "plot_weekly_intro": (
        "Trên: tổng thời gian chờ trung vị của một hồ sơ, theo tuần hồ sơ đến. Dưới: số hồ sơ "
        "mới trong tuần.",
        "Top: median total waiting time of a case, by the week the case arrived. Bottom: new "
        "cases in the week.",
    ),
    "plot_throughput": ("Phân bố thời gian giải quyết hồ sơ", "Throughput time of cases"),
    "plot_throughput_intro": (
        "Số hồ sơ theo thời gian từ bước đầu đến bước cuối; đường nét đứt: trung vị và P90.",
        "Cases by time from first to last step; dashed lines: median and P90.",
    ),
    "axis_wait": ("Thời gian chờ ({unit})", "Waiting time ({unit})"),
    "axis_median_wait": ("Chờ trung vị mỗi hồ sơ ({unit})", "Median wait per case ({unit})"),
    "axis_wait_median": ("Chờ trung vị ({unit})", "Median wait ({unit})"),
    "axis_arrivals_day": ("Hồ sơ mới / ngày làm việc", "New cases / working day"),
    "axis_handovers": ("Số lần chuyển", "Hand-overs"),
    "axis_arrivals": ("Hồ sơ mới", "New cases"),
    "axis_week": ("Ngày", "Date"),
    "axis_throughput": ("Thời gian giải quyết ({unit})", "Throughput time ({unit})"),
    "axis_cases": ("Số hồ sơ", "Cases"),
    "legend_median": ("trung vị {value}", "median {value}"),
    "legend_p90": ("P90 {value}", "P90 {value}"),
    "legend_marker": ("{label}", "{label}"),
    # methods
    "methods": ("Phương pháp", "Methods"),
    "m_wait_start": (
        "Thời gian chờ của một bước là khoảng từ lúc bước trước kết thúc đến lúc bước này bắt "
        "đầu, trong cùng một hồ sơ (thời gian hồ sơ nằm chờ, không ai xử lý). Nếu bước này bắt "
        "đầu trước khi bước trước kết thúc, thời gian chờ tính là 0.",
        "The waiting time of a step is the time from the end of the step before it to its own "
        "start, in the same case (time when nobody works on the case). When a step starts "
        "before the previous one ends, its wait counts as 0.",
    ),
    "m_wait_end": (
        "Nhật ký không ghi thời điểm bắt đầu, nên thời gian chờ của một bước là khoảng từ lúc "
        "bước trước kết thúc đến lúc bước này kết thúc; con số này gồm cả thời gian xử lý của "
        "chính bước đó.",
        "The log has no start times, so the waiting time of a step is the time from the end of "
        "the step before to its own end; it includes the step's own work.",
    ),
    "m_calendar": (
        "Thời gian tính theo lịch liên tục (24/7), kể cả đêm, cuối tuần và ngày lễ; giờ hiển "
        "thị theo múi giờ {tz}.",
        "Times are calendar time (24/7), nights, weekends and holidays included; clock times "
        "are shown in the {tz} time zone.",
    ),
    "m_working_calendar": (
        "Mọi khoảng thời gian (chờ, xử lý, giải quyết) tính theo giờ làm việc của lịch "
        "{name}: {hours}; không tính đêm, cuối tuần, ngày nghỉ lễ và Tết. Một ngày làm việc "
        "là {day} giờ làm việc. Ngày tháng vẫn là ngày thực; giờ hiển thị theo múi giờ {tz}.",
        "Every duration (waits, work, throughput) counts working time only, by the {name} "
        "calendar: {hours}; nights, weekends, public holidays and Tết do not count. A working "
        "day (wd) is {day} working hours. Dates are real dates; clock times are shown in the {tz} "
        "time zone.",
    ),
    "subtitle_working": (
        "Thời gian tính theo ngày làm việc, lịch {name}; ngày tháng là ngày thực.",
        "Durations are working time, {name} calendar; dates are real dates.",
    ),
    "calendar_vn": ("công sở Việt Nam (vn)", "Vietnamese public-office (vn)"),
    "m_calendar_days_off": (
        "nghỉ các ngày lễ của {country}",
        "closed on the public holidays of {country}",
    ),
    "causes_working_calendar": (
        "Nguyên nhân chờ: giờ làm việc của cán bộ là giờ của lịch {name}; ngoài các giờ đó "
        "thời gian chờ tính là cán bộ không làm việc. Riêng phần này tính theo lịch liên tục, "
        "để thấy được thời gian chờ ngoài giờ làm việc.",
        "Waiting causes: officers work the hours of the {name} calendar; waiting outside them "
        "counts as resource unavailability. This part alone counts calendar time (24/7), so "
        "that the waiting outside working hours can be seen.",
    ),
    "m_stats": (
        "Trung vị là giá trị ở giữa (một nửa số lần chờ ngắn hơn); P90 là mức mà 90% số lần "
        "chờ không vượt quá; cả hai là phân vị chính xác có nội suy tuyến tính. Điểm nghẽn "
        "được xếp hạng theo tổng thời gian chờ (số lần × thời gian mỗi lần), vì đó là thời "
        "gian hồ sơ thực sự mất.",
        "The median is the middle value (half of the waits are shorter); P90 is the value 90% "
        "of the waits do not exceed; both are exact quantiles with linear interpolation. "
        "Bottlenecks are ranked by total waiting time (times × wait each time), the time cases "
        "actually lose.",
    ),
    "m_weeks": (
        "Tuần bắt đầu từ thứ Hai 00:00 theo giờ của nhật ký. Thời gian giải quyết là khoảng từ "
        "lúc bước đầu tiên bắt đầu đến lúc bước cuối cùng kết thúc.",
        "Weeks start on Monday 00:00 in the log's time. Throughput time is the time from the "
        "start of a case's first step to the end of its last step.",
    ),
    "m_anonymized": (
        "Ẩn danh: mã hồ sơ không bao giờ xuất hiện; cán bộ được đánh số theo khối lượng công "
        "việc (Cán bộ 01 làm nhiều bước nhất), bí danh giữ nguyên trong toàn bộ báo cáo; đơn "
        "vị được giữ nguyên; các cột khác của nhật ký không được đọc.",
        "Anonymization: case identifiers never appear; officers are numbered by workload "
        "(Officer 01 does the most steps), the same pseudonym throughout the report; units are "
        "kept; no other column of the log is read.",
    ),
    "m_not_anonymized": (
        "Không ẩn danh (--no-anonymize): tên cán bộ được hiển thị như trong nhật ký; mã hồ sơ "
        "vẫn không được hiển thị.",
        "Not anonymized (--no-anonymize): officers' names are shown as in the log; case "
        "identifiers are still never shown.",
    ),
    # data summary
    "data": ("Dữ liệu", "Data"),
    "d_item": ("Mục", "Item"),
    "d_value": ("Giá trị", "Value"),
    "d_source": ("Tệp nguồn", "Source file"),
    "d_period": ("Khoảng thời gian", "Period"),
    "d_cases": ("Số hồ sơ", "Cases"),
    "d_events": ("Số sự kiện", "Events"),
    "d_instances": ("Số lần thực hiện bước", "Step executions"),
    "d_activities": ("Số bước khác nhau", "Distinct steps"),
    "d_resources": ("Số cán bộ", "Officers"),
    "d_units": ("Số đơn vị", "Units"),
    "d_columns": ("Cột được dùng", "Columns used"),
    "d_rows_read": ("Số dòng đã đọc", "Rows read"),
    "d_rows_used": ("Số dòng được dùng", "Rows used"),
    "d_dropped": ("Dữ liệu bị loại và lý do", "What was dropped and why"),
    "d_none_dropped": ("Không có dòng nào bị loại.", "No row was dropped."),
    "d_reason": ("Lý do", "Reason"),
    "d_rows": ("Số dòng", "Rows"),
    "drop_bad_timestamp": ("thời gian không đọc được", "time could not be read"),
    "drop_missing": ("thiếu mã hồ sơ hoặc tên bước", "case id or step name missing"),
    "drop_end_before_start": ("kết thúc trước khi bắt đầu", "ends before it starts"),
    "drop_duplicates": ("sự kiện trùng lặp", "duplicate events"),
    "drop_lifecycle": (
        "sự kiện vòng đời khác start/complete",
        "lifecycle events other than start/complete",
    ),
    "drop_unmatched_starts": (
        "sự kiện bắt đầu không có kết thúc",
        "starts without a matching complete",
    ),
    "drop_unmatched_completes": (
        "sự kiện kết thúc không có bắt đầu (giữ lại, không biết thời gian xử lý)",
        "completes without a matching start (kept, work time unknown)",
    ),
    "role_case": ("mã hồ sơ", "case"),
    "role_activity": ("bước", "activity"),
    "role_timestamp": ("thời điểm kết thúc", "end time"),
    "role_start": ("thời điểm bắt đầu", "start time"),
    "role_resource": ("cán bộ", "officer"),
    "role_group": ("đơn vị", "unit"),
    "role_lifecycle": ("vòng đời", "lifecycle"),
    "omitted": ("Các phần chưa có", "Sections not included"),
    # units
    "unit_s": ("giây", "s"),
    "unit_min": ("phút", "min"),
    "unit_h": ("giờ", "h"),
    "unit_d": ("ngày", "d"),
    "unit_hours": ("giờ", "hours"),
    "unit_days": ("ngày", "days"),
    "unit_wd": ("ngày làm việc", "wd"),
    "unit_work_days": ("ngày làm việc", "working days"),
    "unit_work_hours": ("giờ làm việc", "working hours"),
    "weekday_0": ("thứ Hai", "Mon"),
    "weekday_1": ("thứ Ba", "Tue"),
    "weekday_2": ("thứ Tư", "Wed"),
    "weekday_3": ("thứ Năm", "Thu"),
    "weekday_4": ("thứ Sáu", "Fri"),
    "weekday_5": ("thứ Bảy", "Sat"),
    "weekday_6": ("Chủ nhật", "Sun"),
    "and": ("và", "and"),
    "unit_minutes": ("phút", "minutes"),
    "arrow": ("→", "→"),
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
        "Mũi tên đỏ: chỗ chờ mới; cam: chậm hơn; xanh: nhanh hơn; xám nét đứt: đã bỏ; xám "
        "nhạt: không đổi. Nhãn: thời gian chờ trung vị trước → sau.",
        "Red arrows: new waits; orange: slower; blue: faster; dashed grey: removed; light grey: "
        "unchanged. Labels: median wait before → after.",
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


@dataclass(frozen=True)
class Words:
    """Messages and number, duration and date formats in one language."""

    lang: Lang
    workday_s: float | None = None  # with a working calendar: durations in its working days

    def __call__(self, key: str, **values: object) -> str:
        """The message `key` in this language with `values` filled in."""
        text = MESSAGES[key][0 if self.lang == "vi" else 1]
        return text.format(**values) if values else text

    def number(self, value: float, decimals: int = 0) -> str:
        """A number with the language's separators: 1.234,5 (vi) or 1,234.5 (en)."""
        if isinstance(value, float) and math.isnan(value):
            return "–"
        text = f"{value:,.{decimals}f}"
        if self.lang == "vi":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return text

    def count(self, value: int) -> str:
        """A whole count with thousands separators."""
        return self.number(int(value), 0)

    def percent(self, share: float) -> str:
        """A share as a percentage: 41% above 10%, one decimal below (vi: 4,5%)."""
        if math.isnan(share):
            return "–"
        pct = share * 100.0
        if pct >= 9.95:
            return f"{self.number(pct, 0)}%"
        if 0 < pct < 0.05:
            return f"<{self.number(0.1, 1)}%"
        return f"{self.number(pct, 1)}%"

    def duration(self, seconds: float) -> str:
        """A duration as people say it: "45 giây", "3,2 giờ", "3,2 ngày" (vi) / "3.2 d" (en);
        with a working calendar, days are its working days: "3,2 ngày làm việc" / "3.2 wd"."""
        if math.isnan(seconds):
            return "–"
        if seconds < 0:
            return "-" + self.duration(-seconds)
        for unit, size, limit in (
            ("unit_s", 1.0, 60.0),
            ("unit_min", 60.0, 60.0),
            ("unit_h", 3600.0, 24.0 if self.workday_s is None else self.workday_s / 3600.0),
        ):
            value = seconds / size
            shown = round(value, 1) if round(value, 1) < 10 else float(round(value))
            if shown < limit:
                return f"{self._short(shown)} {self(unit)}"
        if self.workday_s is not None:
            return f"{self._short(seconds / self.workday_s)} {self('unit_wd')}"
        return f"{self._short(seconds / 86400.0)} {self('unit_d')}"

    def plot_unit(self, seconds: float) -> tuple[float, str]:
        """The plot unit (size in seconds, message key) that suits a typical duration: with a
        working calendar, working days and working hours."""
        return duration_unit(seconds, self.workday_s)

    def hours(self, weekly: tuple[tuple[tuple[int, int], ...], ...]) -> str:
        """A calendar's weekly hours in words, consecutive days with the same hours together:
        "thứ Hai–thứ Sáu 07:30–11:30 và 13:00–17:00" / "Mon–Fri 07:30–11:30 and 13:00–17:00"."""
        runs: list[tuple[int, int, tuple[tuple[int, int], ...]]] = []
        for day, spans in enumerate(weekly):
            if not spans:
                continue
            if runs and runs[-1][1] == day - 1 and runs[-1][2] == spans:
                runs[-1] = (runs[-1][0], day, spans)
            else:
                runs.append((day, day, spans))

        def clock(minute: int) -> str:
            return f"{minute // 60:02d}:{minute % 60:02d}"

        parts = []
        for first, last, spans in runs:
            days = self(f"weekday_{first}")
            if last > first:
                days += "–" + self(f"weekday_{last}")
            times = f" {self('and')} ".join(f"{clock(a)}–{clock(b)}" for a, b in spans)
            parts.append(f"{days} {times}")
        return "; ".join(parts)

    def _short(self, value: float) -> str:
        """One decimal below 10 (no trailing zero), whole numbers from 10 on."""
        if round(value, 1) < 10:
            rounded = round(value, 1)
            if rounded == int(rounded):
                return self.number(int(rounded), 0)
            return self.number(rounded, 1)
        return self.number(round(value), 0)

    def date(self, stamp: pd.Timestamp) -> str:
        """A calendar date: 03/03/2025 (vi) or 2025-03-03 (en)."""
        return stamp.strftime("%d/%m/%Y" if self.lang == "vi" else "%Y-%m-%d")

    def datetime(self, stamp: pd.Timestamp) -> str:
        """A date and clock time to the minute."""
        return stamp.strftime("%d/%m/%Y %H:%M" if self.lang == "vi" else "%Y-%m-%d %H:%M")


def duration_unit(seconds: float, workday_s: float | None = None) -> tuple[float, str]:
    """The plot unit (size in seconds, message key) that suits a typical duration; with the
    length of a working day `workday_s`, working days and working hours."""
    if workday_s is not None:
        if seconds >= 2 * workday_s:
            return workday_s, "unit_work_days"
        if seconds >= 2 * 3600:
            return 3600.0, "unit_work_hours"
        return 60.0, "unit_minutes"
    if seconds >= 2 * 86400:
        return 86400.0, "unit_days"
    if seconds >= 2 * 3600:
        return 3600.0, "unit_hours"
    return 60.0, "unit_minutes"
