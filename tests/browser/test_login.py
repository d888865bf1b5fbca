"""The login page in Chromium: Vietnamese by default, English through the app's language switch, a wrong password
said plainly, the session's cookies kept (Secure ones too, on http://127.0.0.1), the user in the header, logout."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_the_login_page_in_vietnamese_and_english(browser: Browser, live_server: str, accounts) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    remote: list[str] = []
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(live_server) else None)

    page.goto(live_server + "/map?province=79")
    expect(page).to_have_url(f"{live_server}/login?next=%2Fmap%3Fprovince%3D79")
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    expect(page.locator("label[for=username]")).to_have_text("Tên đăng nhập")
    expect(page.locator("label[for=password]")).to_have_text("Mật khẩu")
    screenshot(page, "login-vi")

    page.fill("#username", "province79")
    page.fill("#password", "not the password")
    page.click("button[type=submit]")
    expect(page.locator(".login-message")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(page.locator("#username")).to_have_value("province79")
    screenshot(page, "login-vi-wrong-password")

    page.click(".login-lang a")
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.locator("label[for=username]")).to_have_text("User name")
    screenshot(page, "login-en")
    page.click(".login-lang a")  # and back
    expect(page.locator("h1")).to_have_text("Đăng nhập")

    page.fill("#username", "province79")
    page.fill("#password", accounts["province79"])
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server}/map?province=79")  # where it was going
    expect(page.locator("#shell-user")).to_have_text("province79")
    expect(page.locator("#shell-role")).to_have_text("Ban chỉ đạo tỉnh")
    expect(page.locator(".command-map")).to_be_visible()
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    session = cookies["pccovid_session"]
    assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Lax"  # kept by Chromium over http
    assert not cookies["_csrf_token"]["httpOnly"]  # dash-renderer reads it for X-CSRFToken
    screenshot(page, "login-then-map")

    page.click("#shell-logout")
    expect(page).to_have_url(f"{live_server}/login")
    page.goto(live_server + "/")
    expect(page).to_have_url(f"{live_server}/login?next=%2F")
    assert not errors, errors
    assert not remote, remote
    context.close()


def test_the_admin_page(browser: Browser, live_server: str, login) -> None:
    context = login(browser.new_context(viewport={"width": 1440, "height": 900}, locale="vi-VN"), live_server, "admin")
    page = context.new_page()
    page.goto(live_server + "/")
    expect(page).to_have_url(f"{live_server}/admin")
    expect(page.locator(".admin-users")).to_contain_text("tracer79")
    expect(page.locator(".admin-log tbody tr").first).to_be_visible()
    expect(page.locator(".shell-nav-link")).to_have_count(1)
    page.locator("#admin-filter-user").fill("admin")
    expect(page.locator(".admin-log tbody tr", has_text="province79")).to_have_count(0)  # filtered in SQL
    expect(page.locator(".admin-log tbody tr").first).to_contain_text("login")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải XLSX").click()
    assert download.value.suggested_filename == "pccovid-audit-log.xlsx"
    screenshot(page, "admin")
    context.close()
