"""The directives' building blocks as plain functions: overdue in days (hours on the first day), a card's buttons by
who reads it, and one sentence per problem in each language."""

from __future__ import annotations

import datetime as dt
import json

from components.directives_view import directive_card, overdue_text, problem_messages, when
from data.viewer import NATIONAL, Viewer
from rules.directives import Problem

NOW = dt.datetime(2026, 12, 6, 8, 0, tzinfo=dt.UTC)
HCM = Viewer("province", ("79",))
HANOI = Viewer("province", ("01",))


def row(**changes) -> dict:
    found = {
        "directive_id": 7,
        "batch_id": 7,
        "kind": "lockdown",
        "issuer": "bcdqg",
        "issuer_role": "national",
        "issuer_level": "national",
        "issuer_area": None,
        "issuer_area_name": None,
        "recipient_code": "79",
        "recipient_level": "province",
        "recipient_province": "79",
        "recipient_district": None,
        "recipient_name": "Hồ Chí Minh",
        "recipient_province_name": "Hồ Chí Minh",
        "text": "Phong tỏa phường Tân Định.",
        "level": None,
        "cluster_id": None,
        "deadline": NOW - dt.timedelta(days=3, hours=2),
        "owner": "role:province",
        "issued_at": NOW - dt.timedelta(days=5),
        "status": "acknowledged",
        "progress": 0,
        "updated_at": NOW,
        "rule_version": "x",
        "targets": [{"code": "26734", "level": "ward", "name": "Tân Định", "lat": 10.8, "lon": 106.7}],
    }
    found.update(changes)
    return found


def text_of(component) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda o: o.to_plotly_json(), ensure_ascii=False)


def test_overdue_counts_days_and_hours_on_the_first_day() -> None:
    assert overdue_text(0, "vi") is None
    assert overdue_text(3 * 3600 + 5, "vi") == "Quá hạn 3 giờ"
    assert overdue_text(3 * 86_400 + 7200, "vi") == "Quá hạn 3 ngày"
    assert overdue_text(86_400, "en") == "1 day(s) overdue"
    assert when(dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC), "vi") == "06/12/2026 17:00"  # Viet Nam's time


def test_an_overdue_card_stands_out_and_shows_the_buttons_of_its_reader() -> None:
    card = directive_card(row(), [], HCM, "vi", NOW)
    shown = text_of(card)
    assert "directive-card overdue" in shown and "Quá hạn 3 ngày" in shown
    assert '"action": "progress"' in shown and '"action": "close"' in shown and '"action": "cancel"' not in shown
    issuer = text_of(directive_card(row(), [], NATIONAL, "vi", NOW))
    assert '"action": "cancel"' in issuer and '"action": "progress"' not in issuer
    assert '"action"' not in text_of(directive_card(row(), [], HANOI, "vi", NOW))  # no button for a bystander
    done = text_of(directive_card(row(status="done", progress=100), [], HCM, "vi", NOW))
    assert "Quá hạn" not in done and "directive-card overdue" not in done and '"action"' not in done


def test_each_problem_is_one_sentence_in_the_readers_language() -> None:
    problems = [
        Problem("text", "text_short", {"min": 10}),
        Problem("status", "cannot_progress", {"status": "issued"}),
        Problem("recipients", "recipient_outside", {"code": "001", "name": "Ba Đình"}),
    ]
    assert problem_messages(problems, "vi") == [
        "Nội dung chỉ đạo cần ít nhất 10 ký tự.",
        "Chỉ thị đang ở trạng thái «Mới ban hành»: hãy tiếp nhận trước khi báo cáo tiến độ.",
        "Ba Đình nằm ngoài địa bàn của bạn.",
    ]
    assert problem_messages(problems[:1], "en") == ["The directive needs at least 10 characters."]
