"""New directives and their status changes told on every page, live: the shell's event stream carries the directives'
sequence beside the data version (web/push.py); a newer one reads the actions since the last seen, inside the reader's
jurisdiction, and shows a notification for each that concerns them (a new directive to them, or a move by the other
side on one they issued)."""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, clientside_callback, dcc

from components import ids
from components.directives_view import kind_label, when
from components.i18n import current_language, t
from components.inputs import Count, typed
from data.access import current_principal
from data.directives import actions_since, is_issuer, is_recipient, last_seq

SEQ = "directive-seq"  # the newest directive action the page knows of; pages with directives redraw on it
SEEN = "directive-seen"  # the newest action the page has told of
NOTICES = "directive-notices"


def takes_part() -> bool:
    """Whether the logged-in user's committee issues or receives directives."""
    principal = current_principal()
    return principal is not None and (principal.role.issue or principal.role.receive)


def notice_holders(seq: int) -> list:
    return [
        dcc.Store(id=SEQ, data=seq),
        dcc.Store(id=SEEN, data=seq),
        dmc.NotificationContainer(id=NOTICES, position="bottom-right", zIndex=1000),
    ]


def stream_message(version: int, seq: int) -> str:
    """The first event the page's stream sends (web/push.py): the page starts with it, so it opens one stream."""
    return f"{version} {seq}"


# The stream's event is "<version> <sequence>": the sequence is taken in the browser, no request needed.
clientside_callback(
    """
    function(message, known) {
        const parts = String(message || "").split(" ");
        const seq = parts.length > 1 ? Number(parts[1]) : NaN;
        // A sequence only grows: an older one (a stream that read it before the last action) is no news.
        if (!Number.isSafeInteger(seq) || seq < 0 || (Number.isSafeInteger(known) && seq <= known)) {
            return window.dash_clientside.no_update;
        }
        return seq;
    }
    """,
    Output(SEQ, "data"),
    Input(ids.EVENTS, "message"),
    State(SEQ, "data"),
    prevent_initial_call=True,
)


@dash.callback(
    Output(SEQ, "data", allow_duplicate=True),
    Input(ids.REFRESH, "n_intervals"),
    State(SEQ, "data"),
    prevent_initial_call=True,
)
@typed
def refresh_directive_seq(_tick: Count | None, known: Count | None) -> int:
    """The fallback when the stream is down: the shell's poll reads the sequence too."""
    if not takes_part():
        return dash.no_update
    seq = last_seq()
    return dash.no_update if seq == known else seq


@dash.callback(
    Output(NOTICES, "sendNotifications"),
    Output(SEEN, "data"),
    Input(SEQ, "data"),
    State(SEEN, "data"),
    prevent_initial_call=True,
)
@typed
def tell_directive_news(seq: Count, seen: Count | None):
    """A notification per new directive to the reader's committee, and per move the other side made on one it issued."""
    principal = current_principal()
    if principal is None or not (principal.role.issue or principal.role.receive) or seen is None:
        return dash.no_update, seq
    if seq <= seen:  # nothing newer: what was told stays told (moving `seen` back would tell it again)
        return dash.no_update, dash.no_update
    lang, viewer = current_language(), principal.viewer
    notices = []
    for action in actions_since(viewer, seen):
        if action["username"] == principal.username:
            continue
        if action["action"] == "issue" and is_recipient(viewer, action):
            notices.append(
                {
                    "id": f"directive-{action['seq']}",
                    "action": "show",
                    "title": t("directives.notice.new_title", lang, id=action["directive_id"]),
                    "message": t(
                        "directives.notice.new",
                        lang,
                        kind=kind_label(action["kind"], lang),
                        deadline=when(action["deadline"], lang),
                    ),
                    "color": "red",
                    "autoClose": False,
                    "withBorder": True,
                    "className": "directive-notice",
                }
            )
        elif action["action"] != "issue" and is_issuer(viewer, action):
            notices.append(
                {
                    "id": f"directive-{action['seq']}",
                    "action": "show",
                    "title": t(
                        "directives.notice.change_title",
                        lang,
                        id=action["directive_id"],
                        status=t(f"directives.status.{action['status']}", lang),
                    ),
                    "message": t(
                        "directives.notice.change",
                        lang,
                        recipient=action["recipient_name"],
                        who=action["username"],
                        progress=action["progress"] or 0,
                    ),
                    "color": "blue",
                    "autoClose": 15_000,
                    "withBorder": True,
                    "className": "directive-notice",
                }
            )
    return (notices or dash.no_update), seq
