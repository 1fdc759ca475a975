"""`lineside serve web`: the console in a browser, one console process per browser tab (textual-serve).

textual-serve runs one command per websocket; this server builds that command per session, so each tab is a
console of its own with its own terminal id (`web:<client address>:<8 hex>`, written on every movement it
posts) and its own language (`--lang`, else the browser's Accept-Language), and signs in on its own.
Loaded only by `lineside serve web` (aiohttp and textual-serve are not what a console session needs).
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import sys
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from core.i18n import LANGUAGES, _

log = logging.getLogger("lineside.web")
TEMPLATES = Path(__file__).resolve().parent / "web_templates"  # textual-serve's page, served without the internet


def language_of(accept_language: str | None, default: str) -> str:
    """The console language the browser prefers most among ours (`zh*` -> zh_CN, `en*` -> en), else `default`."""
    best: tuple[float, int, str] | None = None
    for n, part in enumerate((accept_language or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        tag = tag.strip().lower().replace("_", "-")
        q = 1.0
        for param in params.split(";"):
            key, _sep, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        lang = "zh_CN" if tag.startswith("zh") else "en" if tag.startswith("en") else None
        if lang in LANGUAGES and q > 0 and (best is None or (q, -n) > (best[0], best[1])):
            best = (q, -n, lang)
    return best[2] if best else default


def terminal_id(remote: str | None) -> str:
    """A terminal id of its own for one browser session: the client's address and 8 random hex digits."""
    return f"web:{remote or 'unknown'}:{uuid.uuid4().hex[:8]}"


def session_command(terminal: str, lang: str) -> str:
    """The shell command textual-serve starts for one session: this interpreter's console.web_session."""
    return shlex.join([sys.executable, "-m", "console.web_session", "--terminal", terminal, "--lang", lang])


class ConsoleServer(Server):
    """textual-serve's Server, starting one console per websocket with the session's terminal id and language."""

    def __init__(self, host: str, port: int, lang: str | None, default_lang: str,
                 public_url: str | None = None, max_sessions: int = 50) -> None:
        super().__init__(command="lineside console", host=host, port=port, title="Lineside", public_url=public_url,
                         templates_path=TEMPLATES)
        self.fixed_public_url = public_url
        self.lang = lang
        self.default_lang = default_lang
        self.max_sessions = max_sessions  # consoles running at once: each is a process and a database connection
        self.running = 0

    def initialize_logging(self) -> None:
        """Plain lines on stdout (one per session opened and closed), not textual-serve's rich banner."""
        logging.basicConfig(level="INFO", format="%(asctime)s %(levelname)s %(name)s %(message)s",
                            stream=sys.stdout, force=True)

    async def on_startup(self, app: web.Application) -> None:
        log.info("serving the console on %s", self.public_url)

    def _base_url(self, request: web.Request) -> str:
        """The address the browser used (so 0.0.0.0 or a host name both work), unless --public-url says."""
        if self.fixed_public_url:
            return self.fixed_public_url.rstrip("/")
        return f"{request.scheme}://{request.host}"

    def _busy(self) -> str:
        return _("Too many sessions ({n}) on this server: try again later").format(n=self.running)

    def _lang_of(self, request: web.Request) -> str:
        return self.lang or language_of(request.headers.get("Accept-Language"), self.default_lang)

    async def handle_index(self, request: web.Request) -> web.Response:
        import aiohttp_jinja2

        lang = self._lang_of(request)
        if self.running >= self.max_sessions:  # say so on a page, rather than a terminal that closes at once
            return aiohttp_jinja2.render_template("busy.html", request, {
                "title": self.title, "lang": lang.replace("_", "-"), "message": self._busy()}, status=503)
        base = self._base_url(request)
        router = request.app.router
        websocket = f"{base}{router['websocket'].url_for()}"
        websocket = ("wss:" if websocket.startswith("https:") else "ws:") + websocket.split(":", 1)[1]
        context: dict[str, Any] = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": websocket,
            "config": {"static": {"url": f"{base}{router['static'].url_for(filename='/')}".rstrip("/") + "/"}},
            "application": {"name": self.title},
            "lang": lang.replace("_", "-"),
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    def _same_origin(self, request: web.Request) -> bool:
        """A browser sends Origin with the websocket: only the console's own page may open a session (another
        site open on the handheld must not start consoles or try PINs from its address)."""
        origin = request.headers.get("Origin")
        if origin is None:  # not a browser (browsers always send it on a websocket)
            return True
        return urlsplit(origin).netloc.lower() == urlsplit(self._base_url(request)).netloc.lower()

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """As textual-serve's, with a command of its own for this session."""
        if not self._same_origin(request):
            log.warning("websocket refused for %s: origin %s", request.remote, request.headers.get("Origin"))
            raise web.HTTPForbidden(text="cross-origin websocket refused")
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        terminal = terminal_id(request.remote)
        lang = self._lang_of(request)
        app_service: AppService | None = None
        if self.running >= self.max_sessions:
            await websocket.prepare(request)
            log.warning("session refused for %s: %d sessions running", request.remote, self.running)
            await websocket.send_bytes(f"\r\n {self._busy()}\r\n".encode())
            await websocket.close()
            return websocket
        self.running += 1
        try:
            await websocket.prepare(request)
            app_service = AppService(session_command(terminal, lang), write_bytes=websocket.send_bytes,
                                     write_str=websocket.send_str, close=websocket.close,
                                     download_manager=self.download_manager, debug=False)
            log.info("session %s started (%s, %dx%d)", terminal, lang, width, height)
            await app_service.start(width, height)
            try:
                await self._process_messages(websocket, app_service)
            finally:
                await app_service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # noqa: BLE001 — one session failing must not stop the server
            log.exception(error)
        finally:
            if app_service is not None:
                await app_service.stop()
            self.running -= 1
            log.info("session %s ended", terminal)
        return websocket
