"""The candidate's landing page behind an ``assessmentUrl`` (what a deep link opens), where a
person in a browser can play the candidate: start, then finish the assessment."""

from __future__ import annotations

from html import escape

from starlette.responses import HTMLResponse

from app.sandbox.berke_state import STATUS_COMPLETE, STATUS_STARTED

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;
color:#1f2933}}h1{{font-size:1.6rem}}.code{{font-family:monospace;font-size:1.3rem;
letter-spacing:.15em;background:#eef2f7;padding:.2rem .5rem;border-radius:4px}}
.note{{color:#52606d;font-size:.9rem}}button{{font-size:1rem;padding:.5rem 1.2rem}}</style></head>
<body><h1>{title}</h1>{body}<p class="note">Berke Assessment sandbox &mdash; a local simulator;
nothing here is sent anywhere.</p></body></html>"""


def _button(action: str, label: str) -> str:
    # A plain form posting to the sandbox: works in any browser, no script needed.
    return (
        f'<form method="post" action="{escape(action)}">'
        f'<button type="submit">{escape(label)}</button></form>'
    )


def landing_page(
    first_name: str,
    job_name: str,
    code: str,
    status_id: int,
    length: str,
    *,
    start_action: str,
    finish_action: str,
) -> HTMLResponse:
    """The page for each state: 0 not started (Start), 1 started (Finish), 2 complete."""
    if status_id == STATUS_COMPLETE:
        body = f"<p>Thank you, {escape(first_name)}. Your assessment is complete.</p>"
    elif status_id == STATUS_STARTED:
        body = (
            f"<p>Welcome back, {escape(first_name)}. Your <strong>{escape(job_name)}</strong> "
            "assessment is under way.</p><p>The questions are imaginary here: when you are "
            "done, finish the assessment and your job fit is computed.</p>"
            + _button(finish_action, "Finish this assessment")
        )
    else:
        body = (
            f"<p>Hello {escape(first_name)},</p><p>You have been invited to take the "
            f"<strong>{escape(job_name)}</strong> assessment. It takes about "
            f"{escape(length)} (hh:mm:ss); find a quiet moment and answer honestly: there "
            "are no right or wrong answers.</p>" + _button(start_action, "Start")
        )
    body += f'<p>Your invitation code: <span class="code">{escape(code)}</span></p>'
    return HTMLResponse(_PAGE.format(title="Berke Assessment", body=body))


def unknown_code_page(code: str) -> HTMLResponse:
    body = (
        f"<p>We could not find an assessment for the invitation code "
        f'<span class="code">{escape(code)}</span>. Please check the link in your '
        "invitation or ask the person who invited you.</p>"
    )
    return HTMLResponse(_PAGE.format(title="Invitation not found", body=body), status_code=404)
