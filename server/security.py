"""Security headers on every HTTP response: no sniffing, no framing, no referrer leaks, and a CSP NiceGUI can live with.

NiceGUI renders pages with inline scripts (the element tree, the import map) and compiles Vue templates in
the browser, and its Tailwind build injects styles at runtime: the policy must allow `'unsafe-inline'` and
`'unsafe-eval'`. What it still buys is that a page loads and talks to nothing but this origin (no foreign
scripts, no exfiltration by `fetch` or image), cannot be framed, and has no `<base>` or plugin tricks.
Markup in catalog data is kept out by NiceGUI's escaping, not by this policy.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = '; '.join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS: list[tuple[bytes, bytes]] = [
    (b'x-content-type-options', b'nosniff'),
    (b'referrer-policy', b'same-origin'),
    (b'x-frame-options', b'DENY'),
]
POLICY = CSP.encode()
OWN_POLICY = ('/docs', '/redoc')  # FastAPI's API docs load Swagger UI and ReDoc from a CDN


class SecurityHeaders:
    """A plain ASGI middleware (never wraps a stream's body); headers a route set itself are kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        extra = HEADERS if scope['path'].startswith(OWN_POLICY) else [*HEADERS, (b'content-security-policy', POLICY)]

        async def send_with_headers(message: Message) -> None:
            if message['type'] == 'http.response.start':
                present = {name.lower() for name, _ in message.get('headers', [])}
                message['headers'] = [*message.get('headers', []), *(h for h in extra if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)
