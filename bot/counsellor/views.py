"""The dashboard's pages under /counsellor: login, conversations, transcripts, corrections, overview, funnel, admin."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Optional
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_date, format_datetime
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.orm import Session as DbSession
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.constants import LANGUAGES, NEVER_MISSED_INTENTS, REDTEAM_ORDINARY, SAFETY_INTENTS
from bot.counsellor import accounts, audit, charts, csrf, dates, i18n, labels, listing, reply_marks, review
from bot.counsellor.export import to_nlu_yaml, training_texts
from bot.counsellor.forms import FormError, read_form
from bot.counsellor.funnel import read_funnel
from bot.counsellor.i18n import N_, _
from bot.counsellor.lockout import LoginGuard
from bot.counsellor.markers import MARKER_NAMES, find_markers
from bot.counsellor.overview import overview
from bot.counsellor.redteam import case_of, to_redteam_yaml
from bot.counsellor.sessions import SessionPolicy
from bot.counsellor.switch import switch_url
from bot.domain import intents
from bot.knowledge import helplines
from bot.rate_limit import RateLimiter, client_key
from bot.settings import project_path
from bot.store.database import Database
from bot.store.models import Account, Session
from bot.store.transcripts import (
    SummaryCache,
    bot_reply,
    conversation_key,
    find_sender,
    short_key,
    summarize,
    transcript,
    user_turn,
)

HERE = Path(__file__).resolve().parent
BASE = "/counsellor"
GENERIC_LOGIN_ERROR = N_("The username or password is wrong, or the account is disabled.")
LOCKED_MESSAGE = N_("Too many failed attempts. Wait {minutes} minutes, then try again.")
GONE = N_("This conversation does not exist (any more).")
# The templates' filters that show a label of labels.yml, and the kind of name each shows.
LABEL_FILTERS = {
    "intent": "intents",
    "route": "routes",
    "flag": "flags",
    "marker": "markers",
    "severity": "severities",
    "action": "actions",
}
POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@dataclass
class Ctx:
    """One authenticated request: the request, the database session and the counsellor's session."""

    request: Request
    db: DbSession
    session: Session
    form: dict[str, str]

    @property
    def account(self) -> Account:
        """Return the logged-in account."""
        return self.session.account


Handler = Callable[[Ctx], Response]


class Dashboard:
    """The pages, with login, roles, CSRF checks and audit around every one."""

    def __init__(self, config: dict[str, Any], key: bytes, database: Database) -> None:
        self.config = config["counsellor"]
        self.database = database
        self.key = key
        self.cookie = self.config["cookie_name"]
        self.login_cookie = self.cookie + "_login"
        self.policy = SessionPolicy(
            timedelta(minutes=self.config["idle_timeout_minutes"]),
            timedelta(hours=self.config["absolute_lifetime_hours"]),
        )
        self.guard = LoginGuard.from_settings(self.config["login"], key)
        self.attempts = RateLimiter(self.config["login"]["attempts_per_minute"], 60)
        self.zone = ZoneInfo(self.config["timezone"])
        self.summaries = SummaryCache(find_markers)
        self.intents = intents()
        self.formats = self.config["date_formats"]
        self.route_choices = reply_marks.route_choices()
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=["jinja2.ext.i18n"],
        )
        self.templates.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
            i18n.gettext, i18n.ngettext, newstyle=True
        )
        snippet = self.config["snippet"]
        self.templates.filters.update(
            when=self.when,
            day=lambda day: self.day(day, "day"),
            percent=percent,
            snippet=lambda text: listing.snippet(text, snippet["words"], snippet["max_chars"]),
            ago=listing.ago,
            group=listing.group,
            short=short_key,
            shown_day=dates.shown_day,
            **{name: labels.labeller(kind) for name, kind in LABEL_FILTERS.items()},
            helpline=labels.helpline,
            category=labels.category,
            language_name=labels.language_name,
        )
        self.templates.globals.update(
            base=BASE,
            flags=SAFETY_INTENTS,
            urgent_flags=NEVER_MISSED_INTENTS,
            markers=MARKER_NAMES,
            ui_languages=i18n.UI_LANGUAGES,
            switch_url=switch_url,
        )

    def routes(self) -> list[BaseRoute]:
        """Return the routes, relative to /counsellor."""
        page, admin = self.page, self.admin_page
        return [
            Route("/", page(self.conversations_page)),
            Route("/login", self.login_form, methods=["GET"]),
            Route("/login", self.login, methods=["POST"]),
            Route("/logout", page(self.logout), methods=["POST"]),
            Route("/conversations/{key}", page(self.transcript_page)),
            Route("/conversations/{key}/notes", page(self.add_note), methods=["POST"]),
            Route("/conversations/{key}/tags", page(self.add_tag), methods=["POST"]),
            Route("/conversations/{key}/tags/remove", page(self.remove_tag), methods=["POST"]),
            Route("/conversations/{key}/review", page(self.set_review), methods=["POST"]),
            Route("/conversations/{key}/turns/{event_id:int}/misunderstood", page(self.mark), methods=["POST"]),
            Route("/conversations/{key}/turns/{event_id:int}/unmark", page(self.unmark), methods=["POST"]),
            Route("/conversations/{key}/replies/{event_id:int}/mark", page(self.mark_reply), methods=["POST"]),
            Route("/conversations/{key}/replies/{event_id:int}/unmark", page(self.unmark_reply), methods=["POST"]),
            Route("/conversations/{key}/delete", admin(self.delete), methods=["POST"]),
            Route("/corrections", page(self.corrections_page)),
            Route("/export", page(self.export), methods=["POST"]),
            Route("/export/redteam", page(self.export_redteam), methods=["POST"]),
            Route("/overview", page(self.overview_page)),
            Route("/funnel", page(self.funnel_page)),
            Route("/accounts", admin(self.accounts_page)),
            Route("/accounts/{account_id:int}/active", admin(self.set_active), methods=["POST"]),
            Route("/audit", admin(self.audit_page)),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="counsellor-static"),
        ]

    # ---- plumbing: authentication, CSRF, rendering

    def page(self, handler: Handler, admin_only: bool = False) -> Callable[[Request], Any]:
        """Wrap a handler: read the form, then (in a worker thread) check login, role and CSRF token."""

        async def endpoint(request: Request) -> Response:
            form = None
            if request.method == "POST":
                try:
                    form = await read_form(request, self.config["max_form_bytes"])
                except FormError as error:
                    return self.error(error.status, error.message)
            return await run_in_threadpool(self._authenticated, handler, request, form, admin_only)

        return endpoint

    def admin_page(self, handler: Handler) -> Callable[[Request], Any]:
        """Wrap a handler that only admins may use."""
        return self.page(handler, admin_only=True)

    def _authenticated(
        self, handler: Handler, request: Request, form: Optional[dict[str, str]], admin_only: bool
    ) -> Response:
        """Run the handler for a logged-in account with the right role and a valid CSRF token."""
        token = request.cookies.get(self.cookie)
        with self.database.session() as db:
            session = self.policy.load(db, token)
            if session is None:
                response = RedirectResponse(f"{BASE}/login", status_code=303)
                if token:
                    self._clear_cookie(response, self.cookie)
                return response
            if i18n.requested() is None:
                i18n.use(session.account.language)
            if admin_only and not session.account.is_admin:
                audit.record(db, session.account, "denied_admin_page", request.url.path)
                return self.error(403, _("This page is for admins only."))
            if form is not None and not csrf.valid(session.csrf_token, form.get(csrf.FIELD)):
                audit.record(db, session.account, "denied_form", request.url.path)
                return self.error(
                    403, _("The form has expired or did not come from this dashboard. Reload the page and try again.")
                )
            return handler(Ctx(request, db, session, form or {}))

    def render(self, ctx: Optional[Ctx], template: str, status: int = 200, **values: Any) -> HTMLResponse:
        """Render a template with the account, its CSRF token and the navigation."""
        values.setdefault("account", ctx.account if ctx else None)
        values.setdefault("csrf_token", ctx.session.csrf_token if ctx else "")
        values.setdefault("csrf_field", csrf.FIELD)
        values.setdefault("path", ctx.request.url.path if ctx else "")
        values.setdefault("query", ctx.request.query_params if ctx else QueryParams())
        values.setdefault("language", i18n.current())
        return HTMLResponse(self.templates.get_template(template).render(**values), status_code=status)

    def error(self, status: int, message: str) -> HTMLResponse:
        """Render an error page."""
        return self.render(None, "error.html", status, status_code=status, message=message)

    def when(self, moment: Any) -> str:
        """Format a Unix timestamp or a stored UTC datetime in the dashboard's time zone and language."""
        if isinstance(moment, datetime):
            local = moment.replace(tzinfo=timezone.utc).astimezone(self.zone)
        else:
            local = datetime.fromtimestamp(float(moment), self.zone)
        language = i18n.current()
        return format_datetime(local, self.formats[language]["datetime"], tzinfo=self.zone, locale=language)

    def day(self, day: date, form: str = "day") -> str:
        """Format a date in the dashboard's language: "day" in text, "axis" on a chart."""
        language = i18n.current()
        return format_date(day, self.formats[language][form], locale=language)

    def _set_cookie(self, response: Response, name: str, value: str, path: str, max_age: Optional[int] = None) -> None:
        """Set a Secure, HttpOnly, SameSite=Strict cookie."""
        response.set_cookie(name, value, max_age=max_age, path=path, secure=True, httponly=True, samesite="strict")

    def _clear_cookie(self, response: Response, name: str, path: str = BASE) -> None:
        """Remove a cookie set by `_set_cookie`."""
        response.delete_cookie(name, path=path, secure=True, httponly=True, samesite="strict")

    def _sender(self, ctx: Ctx) -> Optional[str]:
        """Return the sender id of the conversation named in the URL."""
        return find_sender(ctx.db.connection(), ctx.request.path_params["key"])

    def _back_to(self, key: str, anchor: str = "") -> RedirectResponse:
        """Redirect to a transcript after a change (post/redirect/get)."""
        return RedirectResponse(f"{BASE}/conversations/{key}{anchor}", status_code=303)

    # ---- login and logout

    async def login_form(self, request: Request) -> Response:
        """Show the login form, with a fresh double-submit CSRF token."""
        token = csrf.new_token()
        response = self.render(
            None, "login.html", csrf_token=token, username="", message="", **self._login_page(request)
        )
        self._set_cookie(response, self.login_cookie, token, f"{BASE}/login", max_age=3600)
        return response

    async def login(self, request: Request) -> Response:
        """Check the login limits and the password; start a new session."""
        try:
            form = await read_form(request, self.config["max_form_bytes"])
        except FormError as error:
            return self.error(error.status, error.message)
        if not csrf.valid(request.cookies.get(self.login_cookie), form.get(csrf.FIELD)):
            return self.error(403, _("The login form has expired. Reload the page and try again."))
        client = client_key(request, self.key)
        if not self.attempts.allow(client):
            return self._login_refused(request, form, 429, _("Too many attempts. Wait a minute, then try again."))
        return await run_in_threadpool(self._check_login, request, form, client)

    def _check_login(self, request: Request, form: dict[str, str], client: str) -> Response:
        """Verify the credentials in a worker thread (argon2id takes a while)."""
        username, password = form.get("username", "").strip().lower(), form.get("password", "")
        with self.database.session() as db:
            locked = self.guard.status(db, username, client)
            if locked:
                return self._login_refused(
                    request, form, locked, _(LOCKED_MESSAGE).format(minutes=self.config["login"]["lockout_minutes"])
                )
            account = accounts.authenticate(db, username, password)
            if account is None:
                self.guard.record_failure(db, username, client)
                audit.record(db, accounts.find(db, username), "login_failed")
                return self._login_refused(request, form, 401, _(GENERIC_LOGIN_ERROR))
            self.guard.clear_user(db, username)
            self.policy.end(db, request.cookies.get(self.cookie))
            token = self.policy.start(db, account)
            audit.record(db, account, "login")
        response = RedirectResponse(f"{BASE}/", status_code=303)
        self._set_cookie(response, self.cookie, token, BASE)
        self._clear_cookie(response, self.login_cookie, f"{BASE}/login")
        return response

    def _login_refused(self, request: Request, form: dict[str, str], status: int, message: str) -> Response:
        """Show the login form again with a message (and a Retry-After when locked)."""
        token = request.cookies.get(self.login_cookie) or csrf.new_token()
        response = self.render(
            None,
            "login.html",
            status,
            csrf_token=token,
            username=form.get("username", "")[:64],
            message=message,
            **self._login_page(request),
        )
        if status in (423, 429):
            response.headers["retry-after"] = str(60 * self.config["login"]["lockout_minutes"] if status == 423 else 60)
        return response

    @staticmethod
    def _login_page(request: Request) -> dict[str, Any]:
        """Return the login page's address and query (for the language switch)."""
        return {"path": request.url.path, "query": request.query_params}

    def logout(self, ctx: Ctx) -> Response:
        """End the session."""
        audit.record(ctx.db, ctx.account, "logout")
        ctx.db.delete(ctx.session)
        response = RedirectResponse(f"{BASE}/login", status_code=303)
        self._clear_cookie(response, self.cookie)
        return response

    # ---- conversations and transcripts

    def conversations_page(self, ctx: Ctx) -> Response:
        """List the conversations, most urgent first (or newest first), filtered and paged, with counts per marker."""
        filters = listing.Filters.parse(ctx.request.query_params)
        errors = dates.read_range(ctx.request.query_params)[1]
        summaries = self.summaries.all(ctx.db.connection())
        reviewed, tags = review.reviewed_ids(ctx.db), review.tags_by_conversation(ctx.db)
        page = listing.select(
            summaries,
            filters,
            reviewed,
            tags,
            self.zone,
            listing.page_number(ctx.request.query_params.get("page")),
            self.config["page_size"],
        )
        audit.record(ctx.db, ctx.account, "view_list")
        helplines = sorted({name for summary in summaries for name in summary.helplines})
        routes = sorted({name for summary in summaries for name in summary.routes})
        return self.render(
            ctx,
            "conversations.html",
            400 if errors else 200,
            errors=errors,
            page=page,
            filters=filters,
            reviewed=reviewed,
            tags=tags,
            helplines=helplines,
            routes=routes,
            languages=LANGUAGES,
            now=time.time(),
        )

    def transcript_page(self, ctx: Ctx, error: str = "", status: int = 200) -> Response:
        """Show a conversation's messages and replies, with notes, tags and corrections."""
        sender = self._sender(ctx)
        if sender is None:
            return self.error(404, _(GONE))
        key = conversation_key(sender)
        summary = summarize(ctx.db.connection(), sender, find_markers)
        audit.record(ctx.db, ctx.account, "view_transcript", key)
        return self.render(
            ctx,
            "transcript.html",
            status,
            key=key,
            summary=summary,
            turns=transcript(ctx.db.connection(), sender),
            notes=review.notes_of(ctx.db, sender),
            tags=review.tags_of(ctx.db, sender),
            review=review.review_of(ctx.db, sender),
            corrections=review.corrections_of(ctx.db, sender),
            intents=self.intents,
            marks=reply_marks.marks_of(ctx.db, sender),
            routes=self.route_choices,
            ordinary_route=REDTEAM_ORDINARY,
            error=error,
            max_note_chars=self.config["max_note_chars"],
            max_reason_chars=self.config["max_mark_reason_chars"],
        )

    def _change(self, ctx: Ctx, action: str, change: Callable[[str], Any], anchor: str = "") -> Response:
        """Apply a change to the conversation in the URL, audit it and go back to its transcript."""
        sender = self._sender(ctx)
        if sender is None:
            return self.error(404, _(GONE))
        try:
            change(sender)
        except review.ReviewError as error:
            return self.transcript_page(ctx, str(error), 422)
        audit.record(ctx.db, ctx.account, action, conversation_key(sender))
        return self._back_to(conversation_key(sender), anchor)

    def add_note(self, ctx: Ctx) -> Response:
        """Add a note to the conversation."""
        return self._change(
            ctx,
            "note_add",
            lambda sender: review.add_note(
                ctx.db, sender, ctx.account.username, ctx.form.get("text", ""), self.config["max_note_chars"]
            ),
            "#notes",
        )

    def add_tag(self, ctx: Ctx) -> Response:
        """Add a tag to the conversation."""
        return self._change(
            ctx,
            "tag_add",
            lambda sender: review.add_tag(ctx.db, sender, ctx.account.username, ctx.form.get("tag", "")),
            "#notes",
        )

    def remove_tag(self, ctx: Ctx) -> Response:
        """Remove a tag from the conversation."""
        return self._change(
            ctx, "tag_remove", lambda sender: review.remove_tag(ctx.db, sender, ctx.form.get("tag", "")), "#notes"
        )

    def set_review(self, ctx: Ctx) -> Response:
        """Mark the conversation as reviewed, or not."""
        reviewed = ctx.form.get("reviewed") == "1"
        return self._change(
            ctx,
            "review" if reviewed else "unreview",
            lambda sender: review.set_reviewed(ctx.db, sender, ctx.account.username, reviewed),
        )

    def mark(self, ctx: Ctx) -> Response:
        """Record that the bot misunderstood a message, and the right intent."""
        event_id = ctx.request.path_params["event_id"]

        def change(sender: str) -> None:
            turn = user_turn(ctx.db.connection(), sender, event_id)
            if turn is None:
                raise review.ReviewError(_("That message is not in this conversation."))
            review.mark_misunderstood(
                ctx.db, sender, turn, ctx.form.get("intent", ""), set(self.intents), ctx.account.username
            )

        return self._change(ctx, "mark_misunderstood", change, f"#turn-{event_id}")

    def unmark(self, ctx: Ctx) -> Response:
        """Remove a correction."""
        event_id = ctx.request.path_params["event_id"]
        return self._change(
            ctx, "unmark_misunderstood", lambda sender: review.unmark(ctx.db, sender, event_id), f"#turn-{event_id}"
        )

    def mark_reply(self, ctx: Ctx) -> Response:
        """Record that a bot reply was the wrong route or harmful, with the right route and a reason."""
        event_id = ctx.request.path_params["event_id"]

        def change(sender: str) -> None:
            reply = bot_reply(ctx.db.connection(), sender, event_id)
            if reply is None:
                raise review.ReviewError(_("That reply is not in this conversation."))
            form = ctx.form
            reply_marks.mark_reply(
                ctx.db,
                sender,
                reply,
                form.get("kind", ""),
                form.get("route", ""),
                form.get("reason", ""),
                ctx.account.username,
                self.config["max_mark_reason_chars"],
            )

        return self._change(ctx, "mark_reply", change, f"#turn-{event_id}")

    def unmark_reply(self, ctx: Ctx) -> Response:
        """Remove the counsellor's own mark on a bot reply."""
        event_id = ctx.request.path_params["event_id"]
        return self._change(
            ctx,
            "unmark_reply",
            lambda sender: reply_marks.remove_mark(ctx.db, sender, event_id, ctx.account.username),
            f"#turn-{event_id}",
        )

    def delete(self, ctx: Ctx) -> Response:
        """Delete the conversation from the tracker store and the dashboard (admins, after confirming)."""
        sender = self._sender(ctx)
        if sender is None:
            return self.error(404, _(GONE))
        if ctx.form.get("confirm") != "yes":
            return self.transcript_page(ctx, _("Tick the box to confirm the deletion."), 422)
        review.delete_conversation(ctx.db, sender)
        audit.record(ctx.db, ctx.account, "delete_conversation", conversation_key(sender))
        return RedirectResponse(f"{BASE}/", status_code=303)

    # ---- improving the bot

    def corrections_page(self, ctx: Ctx) -> Response:
        """List the corrected messages and the marked replies, ready for export."""
        audit.record(ctx.db, ctx.account, "view_corrections")
        rows, marks = review.all_corrections(ctx.db), reply_marks.all_marks(ctx.db)
        senders = {row.conversation_id for row in rows} | {mark.conversation_id for mark in marks}
        return self.render(
            ctx,
            "corrections.html",
            corrections=rows,
            marks=marks,
            cases={mark.id: case_of(mark) for mark in marks},
            keys={sender: conversation_key(sender) for sender in senders},
        )

    def export(self, ctx: Ctx) -> Response:
        """Download the corrections as Rasa NLU training data (YAML)."""
        text, count = to_nlu_yaml(
            review.all_corrections(ctx.db), training_texts(project_path(self.config["training_data"]))
        )
        audit.record(ctx.db, ctx.account, "export", f"examples={count}")
        return Response(
            text,
            media_type="application/x-yaml; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="nlu_corrections.yml"'},
        )

    def export_redteam(self, ctx: Ctx) -> Response:
        """Download the marked replies as red-team cases (YAML, in tests/redteam/messages.yml's format)."""
        text, count = to_redteam_yaml(reply_marks.all_marks(ctx.db))
        audit.record(ctx.db, ctx.account, "export_redteam", f"cases={count}")
        return Response(
            text,
            media_type="application/x-yaml; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="redteam_cases.yml"'},
        )

    def overview_page(self, ctx: Ctx) -> Response:
        """Show conversations per day and category, signposts, help lines and the fallback rate as SVG charts."""
        days = self.config["overview_days"]
        figures = overview(self.summaries.all(ctx.db.connection()), datetime.now(self.zone).date(), days, self.zone)
        audit.record(ctx.db, ctx.account, "view_overview")
        axis = self.axis_label
        return self.render(
            ctx,
            "overview.html",
            figures=figures,
            days=days,
            per_day=charts.column_chart(_("Conversations per day"), [(axis(d), n) for d, n in figures.per_day]),
            fallback_rate=charts.column_chart(
                _("Fallback rate per day"), [(axis(d), r) for d, r in figures.fallback_rate_per_day], fmt=percent
            ),
            categories=charts.bar_chart(
                _("Conversations per category"), [(labels.category(c), n) for c, n in figures.categories]
            ),
            signposts=charts.bar_chart(
                _("Signposts given"), [(labels.label("intents", name), n) for name, n in figures.signposts]
            ),
            helplines=charts.bar_chart(
                _("Help lines shown"), [(labels.helpline(name), n) for name, n in figures.helplines]
            ),
        )

    def funnel_page(self, ctx: Ctx) -> Response:
        """Show help line cards shown, links opened and the click-through rate per line, day and route."""
        days = self.config["overview_days"]
        figures = read_funnel(ctx.db.connection(), datetime.now(self.zone).date(), days, self.zone)
        audit.record(ctx.db, ctx.account, "view_funnel")
        names = {line_id: line.name for line_id, line in helplines().items()}
        period = {"date_from": figures.first_day.isoformat(), "date_to": figures.last_day.isoformat()}
        axis = self.axis_label

        def conversations(**filters: str) -> str:
            """Return the conversation list's address, filtered on the period (or a day) and a line or route."""
            return f"{BASE}/?" + listing.Filters(**{**period, **filters}).query_string()

        def line_filter(line_id: str) -> dict[str, str]:
            """Return the list's filter on a help line (the list knows lines by name)."""
            return {"helpline": names.get(line_id, line_id)}

        day_links = [conversations(date_from=d.isoformat(), date_to=d.isoformat()) for d, _figures in figures.per_day]
        return self.render(
            ctx,
            "funnel.html",
            figures=figures,
            days=days,
            conversations=conversations,
            line_filter=line_filter,
            shown_per_day=charts.column_chart(
                _("Help line cards shown per day"),
                [(axis(d), f.shown) for d, f in figures.per_day],
                links=day_links,
            ),
            clicked_per_day=charts.column_chart(
                _("Conversations that opened a link, per day"),
                [(axis(d), f.clicked) for d, f in figures.per_day],
                links=day_links,
            ),
            rate_per_line=charts.bar_chart(
                _("Click-through rate per help line"),
                [(labels.helpline(line), f.rate or 0.0) for line, f in figures.per_line],
                fmt=percent,
                links=[conversations(**line_filter(line)) for line, _figures in figures.per_line],
            ),
            rate_per_route=charts.bar_chart(
                _("Click-through rate per route"),
                [(labels.label("routes", route), f.rate or 0.0) for route, f in figures.per_route],
                fmt=percent,
                links=[conversations(route=route) for route, _figures in figures.per_route],
            ),
        )

    def axis_label(self, day: date) -> str:
        """Label a day on a chart's axis."""
        return self.day(day, "axis")

    # ---- admin

    def accounts_page(self, ctx: Ctx) -> Response:
        """List the accounts (admins)."""
        audit.record(ctx.db, ctx.account, "view_accounts")
        rows = ctx.db.execute(sa.select(Account).order_by(Account.username)).scalars().all()
        return self.render(ctx, "accounts.html", accounts=rows)

    def set_active(self, ctx: Ctx) -> Response:
        """Enable or disable an account (admins; not their own)."""
        target = ctx.db.get(Account, ctx.request.path_params["account_id"])
        if target is None:
            return self.error(404, _("No such account."))
        if target.id == ctx.account.id:
            return self.error(422, _("You cannot disable your own account."))
        active = ctx.form.get("active") == "1"
        accounts.set_active(target, active)
        audit.record(ctx.db, ctx.account, "account_enable" if active else "account_disable", target.username)
        return RedirectResponse(f"{BASE}/accounts", status_code=303)

    def audit_page(self, ctx: Ctx) -> Response:
        """Show the audit log, newest first, filtered on who, what and when (admins)."""
        audit.record(ctx.db, ctx.account, "view_audit")
        filters, errors = audit.AuditFilters.parse(ctx.request.query_params)
        size = self.config["audit_page_size"]
        number = listing.page_number(ctx.request.query_params.get("page"))
        rows, total = audit.entries(ctx.db, number, size, filters, self.zone)
        return self.render(
            ctx,
            "audit.html",
            400 if errors else 200,
            entries=rows,
            number=number,
            pages=max(1, -(-total // size)),
            total=total,
            filters=filters,
            errors=errors,
            usernames=audit.usernames(ctx.db),
            actions=sorted(audit.ACTIONS),
            linked=audit.LINKED_ACTIONS,
            conversation_actions=audit.CONVERSATION_ACTIONS,
        )


def percent(value: Optional[float]) -> str:
    """Format a share as a percentage ("–" when there is none)."""
    return "–" if value is None else f"{100 * value:.0f}%"
