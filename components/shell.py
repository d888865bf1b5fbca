"""The navigation shell around every page: header with the language switch and data version, side navigation; the
app-wide data version, pushed by the server as it changes, polled as a fallback."""

from __future__ import annotations

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, clientside_callback, dcc, html
from dash_extensions import EventSource
from flask_wtf.csrf import generate_csrf

from components import ids
from components.directive_notice import notice_holders, stream_message, takes_part
from components.i18n import COOKIE, current_language, t
from components.inputs import Count, typed
from data.access import current_principal
from data.directives import last_seq
from data.runtime import data_version

EVENTS_URL = "/events"  # the data version as server-sent events (web/push.py)
# Polling is the fallback: slow while the pushed stream is up (a net under it), often while it is down.
PUSHED_REFRESH_MS = 60_000
REFRESH_MS = 15_000

# (path, translation key); pages that do not exist yet are not listed.
NAVIGATION = (
    ("/", "nav.overview"),
    ("/map", "nav.map"),
    ("/wall", "nav.wall"),
    ("/clusters", "nav.clusters"),
    ("/handover", "nav.handover"),
    ("/directives", "nav.directives"),
)


def _reads_individuals() -> bool:
    """Whether the role reads lists of individuals (the press reads aggregates only, and is refused the hand-over)."""
    principal = current_principal()
    return principal is not None and not principal.viewer.aggregates_only


# Links shown only to some: the directives to the committees that issue or receive them, the hand-over's lists of
# people to those who may read individuals.
NAVIGATION_FOR = {"/directives": takes_part, "/handover": _reads_individuals}


ADMIN_NAVIGATION = (("/admin", "nav.admin"),)  # the administrator sees no epidemic page


def _navigation(lang: str) -> list:
    principal = current_principal()
    links = ADMIN_NAVIGATION if principal is not None and principal.role.admin else NAVIGATION
    return [
        dmc.NavLink(label=t(key, lang), href=path, active="exact", className="shell-nav-link")
        for path, key in links
        if path not in NAVIGATION_FOR or NAVIGATION_FOR[path]()
    ]


def _account(lang: str) -> list:
    """Who is logged in, as what, and the way out (a plain form: POST /logout with the session's CSRF token)."""
    principal = current_principal()
    if principal is None:
        return []
    return [
        dmc.Text(principal.username, id="shell-user", size="sm", fw=600),
        dmc.Badge(principal.role.label.get(lang, principal.role.name), id="shell-role", variant="outline", color="red"),
        html.Form(
            [
                dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
                html.Button(t("shell.logout", lang), type="submit", id="shell-logout", className="shell-logout"),
            ],
            action="/logout",
            method="POST",
        ),
    ]


def shell_layout() -> dmc.MantineProvider:
    lang = current_language()
    version, seq = data_version(), last_seq()
    return dmc.MantineProvider(
        theme={"primaryColor": "red", "fontFamily": "var(--pc-font)", "defaultRadius": "md"},
        children=[
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            dcc.Store(id=ids.DATA_VERSION, data=version),
            dcc.Store(id=ids.LANGUAGE, data=lang),
            # dash-extensions' EventSource opens a new connection whenever Dash draws it again, i.e. whenever one of
            # its props changes (its effect depends on setProps, a new function at each draw). Its props start as
            # connecting sets them (open; the version the page has, which the stream sends first), so that a page
            # opens one stream, not three; a new version opens another (web/push.py frees the old one at once).
            EventSource(id=ids.EVENTS, url=EVENTS_URL, readyState=1, message=stream_message(version, seq)),
            *notice_holders(seq),
            dcc.Interval(id=ids.REFRESH, interval=PUSHED_REFRESH_MS),
            # Calendars in the reader's language, weeks from Monday (assets/vendor/dayjs holds the Vietnamese locale).
            dmc.DatesProvider(
                settings={"locale": lang, "firstDayOfWeek": 1},
                children=dmc.AppShell(
                    header={"height": 60},
                    navbar={"width": 220, "breakpoint": "sm"},
                    padding="md",
                    children=[
                        dmc.AppShellHeader(
                            dmc.Group(
                                justify="space-between",
                                h="100%",
                                px="md",
                                children=[
                                    dmc.Group(
                                        [
                                            html.Img(src=dash.get_asset_url("logo.svg"), height=32, alt=""),
                                            dmc.Stack(
                                                [
                                                    dmc.Text(t("app.title", lang), fw=700, size="lg", lh=1.1),
                                                    dmc.Text(t("app.subtitle", lang), size="xs", c="dimmed", lh=1.1),
                                                ],
                                                gap=0,
                                            ),
                                        ],
                                        gap="sm",
                                    ),
                                    dmc.Group(
                                        [
                                            dmc.Badge(
                                                t("shell.data_version", lang, version=version),
                                                id=ids.VERSION_BADGE,
                                                variant="light",
                                                color="gray",
                                            ),
                                            dmc.SegmentedControl(
                                                id="shell-language-switch",
                                                value=lang,
                                                data=[
                                                    {"value": "vi", "label": "Tiếng Việt"},
                                                    {"value": "en", "label": "English"},
                                                ],
                                                size="xs",
                                                **{"aria-label": t("lang.label", lang)},
                                            ),
                                            *_account(lang),
                                        ],
                                        gap="sm",
                                    ),
                                ],
                            )
                        ),
                        dmc.AppShellNavbar(_navigation(lang), p="xs"),
                        dmc.AppShellMain(dash.page_container),
                    ],
                ),
            ),
        ],
    )


@dash.callback(
    Output(ids.DATA_VERSION, "data"),
    Input(ids.REFRESH, "n_intervals"),
    State(ids.DATA_VERSION, "data"),
    prevent_initial_call=True,
)
@typed
def refresh_data_version(_tick: Count | None, known: Count | None) -> int:
    """Pages listen to this store: it changes only when the writer has committed new data."""
    version = data_version()
    return dash.no_update if version == known else version


# A pushed version is taken in the browser, no request needed; the pages' callbacks then redraw from the server.
clientside_callback(
    """
    function(message, known) {
        const version = Number(String(message).split(" ")[0]);  // "<version> <directives' sequence>"
        if (!Number.isSafeInteger(version) || version < 0 || version === known) {
            return window.dash_clientside.no_update;
        }
        return version;
    }
    """,
    Output(ids.DATA_VERSION, "data", allow_duplicate=True),
    Input(ids.EVENTS, "message"),
    State(ids.DATA_VERSION, "data"),
    prevent_initial_call=True,
)

# The component tells of the stream's first failure only (later ones repeat the same `error`, which Dash ignores):
# on a failure, poll often; at the next poll, clear it, which makes the component connect again, and poll slowly
# meanwhile. A stream that fails again sets it again; one that works stays quiet.
clientside_callback(
    f"""
    function(error, _ticks) {{
        if (!error) {{ return [window.dash_clientside.no_update, window.dash_clientside.no_update]; }}
        const failed = window.dash_clientside.callback_context.triggered.some(
            function(t) {{ return t.prop_id === "{ids.EVENTS}.error"; }});
        return failed ? [window.dash_clientside.no_update, {REFRESH_MS}] : [null, {PUSHED_REFRESH_MS}];
    }}
    """,
    Output(ids.EVENTS, "error"),
    Output(ids.REFRESH, "interval"),
    Input(ids.EVENTS, "error"),
    Input(ids.REFRESH, "n_intervals"),
    prevent_initial_call=True,
)


@dash.callback(Output(ids.VERSION_BADGE, "children"), Input(ids.DATA_VERSION, "data"), prevent_initial_call=True)
@typed
def show_data_version(version: Count) -> str:
    return t("shell.data_version", version=version)


# Switching language sets the cookie the server reads and reloads: every text is rendered server-side.
clientside_callback(
    f"""
    function(lang, current) {{
        if (!lang || lang === current) {{ return window.dash_clientside.no_update; }}
        document.cookie = "{COOKIE}=" + lang + "; path=/; max-age=31536000; SameSite=Lax";
        window.location.reload();
        return lang;
    }}
    """,
    Output(ids.LANGUAGE, "data"),
    Input("shell-language-switch", "value"),
    State(ids.LANGUAGE, "data"),
    prevent_initial_call=True,
)
