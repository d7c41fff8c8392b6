"""The sign-in page (`/login`) and sign-out."""

import logging
import math

from fastapi.responses import RedirectResponse
from nicegui import APIRouter, app, ui

from admin.auth import credentials_match, safe_target, signed_in
from server.services import Services

log = logging.getLogger(__name__)
router = APIRouter()
WRONG = 'Wrong user name or password.'


@router.page('/login', title='Sign in · Live Storefront')
def login_page(redirect_to: str = '') -> RedirectResponse | None:
    if signed_in():
        return RedirectResponse(safe_target(redirect_to))
    with ui.card().classes('absolute-center w-80'):
        ui.label('Live Storefront admin').classes('text-lg font-semibold')
        user = ui.input('User name').props('autofocus autocomplete=username').classes('w-full').mark('login-user')
        password = (
            ui.input('Password', password=True, password_toggle_button=True)
            .props('autocomplete=current-password')
            .classes('w-full')
            .mark('login-password')
        )
        error = ui.label().classes('text-negative').mark('login-error')
        user.on('keydown.enter', lambda: attempt())
        password.on('keydown.enter', lambda: attempt())
        ui.button('Sign in', on_click=lambda: attempt()).classes('w-full').mark('login-submit')

    def attempt() -> None:
        error.set_text(try_sign_in(user.value or '', password.value or '', ui.context.client.ip) or '')
        if signed_in():
            ui.navigate.to(safe_target(redirect_to))

    return None


def try_sign_in(user: str, password: str, client: str) -> str | None:
    """Signs in on matching credentials; otherwise returns what to tell the person. The password is never logged."""
    throttle = Services.current().login_throttle
    wait = throttle.retry_after(client)
    if wait > 0:
        log.warning('admin sign-in refused for %s: too many failed attempts', client)
        return f'Too many failed attempts. Try again in {math.ceil(wait)} s.'
    if not credentials_match(user, password):
        throttle.failed(client)
        log.warning('failed admin sign-in as %r from %s', user[:100], client)
        return WRONG
    throttle.succeeded(client)
    app.storage.user.update(authenticated=True, user=user)
    log.info('admin %r signed in from %s', user, client)
    return None


def sign_out() -> None:
    app.storage.user.clear()
    ui.navigate.to('/login')
