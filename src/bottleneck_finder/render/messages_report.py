"""The report's sentences in Vietnamese and English: findings, tables, charts, methods, units."""

from __future__ import annotations

# key -> (Vietnamese, English). Placeholders are filled with str.format.
REPORT_MESSAGES: dict[str, tuple[str, str]] = {
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
}
