"""Which Berke user and department a new assessment gets, and what follows from them, in words.

The seed: the user (``username``) sets the Manager Name on all reports, receives the
participant's report by email when ``onAssessmentCompleteAction`` is 2, and gives the
assessment its department when ``sourceDepartmentId`` is null; null means the API's default
user (the one the API token is mapped to). The form's user wins; without one the client sends
the connection profile's (``ConnectionProfile.berke_username``); without either, Berke's default
API user applies.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_USER = (
    "the API's default user (the one your API token is mapped to in Berke: Settings | API:Security)"
)


@dataclass(frozen=True)
class UserContext:
    typed_user: str | None  # the form's username
    profile_user: str | None  # the connection's, sent when the form has none
    typed_department: str | None  # the form's sourceDepartmentId

    @classmethod
    def of(
        cls, typed_user: str | None, profile_user: str | None, typed_department: str | None
    ) -> UserContext:
        """Blank text is absent, as it is in the request."""
        return cls(
            (typed_user or "").strip() or None,
            (profile_user or "").strip() or None,
            (typed_department or "").strip() or None,
        )

    @property
    def user(self) -> str | None:
        """The user the assessment is created as; None for the API's default user."""
        return self.typed_user or self.profile_user

    def _who(self) -> str:
        if self.typed_user:
            return f"Berke user “{self.typed_user}” (typed here)"
        if self.profile_user:
            return f"“{self.profile_user}”, this connection's Berke user (File > Settings)"
        return DEFAULT_USER

    def user_text(self) -> str:
        return f"Created as {self._who()}, whose name is the Manager Name on all its reports."

    def department_text(self) -> str:
        if self.typed_department:
            return f"Department “{self.typed_department}” (typed here)."
        if self.user:
            return f"No department typed: the assessment joins the department of “{self.user}”."
        return "No department typed: the assessment joins the department of the API's default user."

    def report_recipient_text(self) -> str:
        """Who action 2 emails the hiring-manager report to."""
        if self.user:
            return f"Berke emails the hiring-manager report to {self._who()}."
        return (
            f"No Berke user is set here or in the connection: Berke emails the hiring-manager "
            f"report to {DEFAULT_USER}. Type a user to send it to a hiring manager."
        )
