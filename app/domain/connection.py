"""Where the console connects: connection profiles (the non-secret half; keys live in the keyring).

The fields carry their titles, ranges, units and groups as metadata: the settings dialog is built
from them, so a new option needs a field here and nothing in the dialog.
"""

from __future__ import annotations

import secrets
from enum import StrEnum
from typing import Any, Literal, NamedTuple

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.domain.attachments import DEFAULT_MAX_MB
from app.domain.berke_text import blank_to_none, without_xml_unsafe, xml_safe
from app.domain.data_files import (
    DATA_FILE_PATTERN,
    legacy_data_file,
    name_slug,
    profile_data_file,
)
from app.domain.email_rule import well_formed_or_none
from app.domain.invitation import BERKE_MESSAGE_MAX, SENDER_MAX, InvitationText
from app.domain.urls import require_secure_base_url, same_server

SR_PRODUCTION_URL = "https://api.smartrecruiters.com/v1"
BERKE_PRODUCTION_URL = "https://site.berkeassessment.com/api"

SANDBOX_PROFILE = "Sandbox (built-in)"
PRODUCTION_PROFILE = "Production"

MB = 1024 * 1024

# Groups of the settings dialog, in order.
GROUP_SR = "SmartRecruiters"
GROUP_BERKE = "Berke"
GROUP_WORK = "Work"
GROUP_INVITATION = "Invitation"

ResultFlowName = Literal["faq", "documented"]  # app.domain.journal_terms.ResultFlow values


class ProfileKind(StrEnum):
    SANDBOX = "sandbox"  # the embedded simulator: no keys, no keyring, no network
    PRODUCTION = "production"  # the services' published addresses
    CUSTOM = "custom"  # any other addresses (a staging system, a local sandbox)


DeliveryMode = Literal["manual", "automatic"]
PassLevel = Literal["low", "medium", "high"]


def _ui(group: str, **extra: JsonValue) -> dict[str, JsonValue]:
    """Metadata for the settings dialog (``json_schema_extra``): its group and hints
    (``counted``: a long text, its characters counted under it as typed)."""
    return {"group": group, **extra}


class AddressProblem(NamedTuple):
    field: str  # the profile's field: sr_base_url or berke_base_url
    sentence: str


def _new_data_file(data: dict[str, Any]) -> str:
    if data.get("kind") in (ProfileKind.SANDBOX, ProfileKind.PRODUCTION):
        return ""  # the sandbox keeps its orders in memory, Production in the app's own file
    return new_data_file(str(data.get("name") or ""))


def new_data_file(name: str) -> str:
    """A data file of its own for the profile ``name``: its name's letters (readable in a
    folder listing) and a random part, so that no other profile — one of the same name added
    after this one is removed, one named in another script — ever opens it."""
    slug = name_slug(name)[:40].strip("-") or "profile"
    return f"{slug}-{secrets.token_hex(4)}"


#: Validation context for a profile as typed in the Settings dialog: rules added since a
#: profile may have been saved refuse there, and clean what a settings file holds.
TYPED_KEY = "typed_in_settings"
TYPED_IN_SETTINGS: dict[str, bool] = {TYPED_KEY: True}


class ConnectionProfile(BaseModel):
    """One place to work against, with the options that go with it. Never holds a key.

    An option this version does not know (a newer desk's) is kept as read and written back
    (``model_extra``): dropped, the next OK in Settings here undid it without a word.
    """

    model_config = ConfigDict(defer_build=True, extra="allow", validate_assignment=True)

    name: str = Field(min_length=1, max_length=60, title="Profile name")
    kind: ProfileKind = ProfileKind.CUSTOM
    # Which data file keeps the profile's orders and journal, chosen when the profile is made
    # and kept through renames: keys follow a profile when names trade places, and so must its
    # orders and pending steps. Part of a file name, so letters, digits and dashes only.
    data_file: str = Field(default_factory=_new_data_file, pattern=DATA_FILE_PATTERN)

    sr_base_url: str = Field(
        default=SR_PRODUCTION_URL,
        title="API address",
        description="The SmartRecruiters partner API, e.g. https://api.smartrecruiters.com/v1",
        json_schema_extra=_ui(GROUP_SR, address=True),
    )
    berke_base_url: str = Field(
        default=BERKE_PRODUCTION_URL,
        title="API address",
        description="The Berke Assessment API, e.g. https://site.berkeassessment.com/api",
        json_schema_extra=_ui(GROUP_BERKE, address=True),
    )
    berke_username: str | None = Field(
        default=None,
        max_length=50,
        title="User (optional)",
        description="Berke user the calls act as; empty for the API's default user",
        json_schema_extra=_ui(GROUP_BERKE),
    )
    berke_burst: int = Field(
        default=120,
        ge=1,
        le=100_000,
        title="Calls allowed per window",
        description="Berke's per-company burst limit (ask Berke if yours differs from 120)",
        json_schema_extra=_ui(GROUP_BERKE, suffix=" calls"),
    )
    berke_window_seconds: int = Field(
        default=60,
        ge=1,
        le=86_400,
        title="Burst window",
        description="The time frame of the burst limit",
        json_schema_extra=_ui(GROUP_BERKE, suffix=" s"),
    )
    berke_concurrency: int = Field(
        default=4,
        ge=1,
        le=60,
        title="Simultaneous calls",
        description="How many Berke calls may be under way at once",
        json_schema_extra=_ui(GROUP_BERKE, suffix=" at once"),
    )
    # The invitation's default text (SendInvitation's message and sender): what the invite
    # dialog starts from and what the batch sends. Empty: Berke's account default.
    invitation_message: str | None = Field(
        default=None,
        max_length=BERKE_MESSAGE_MAX,
        title="Message",
        description=f"Up to {BERKE_MESSAGE_MAX} characters; empty for the account's default "
        "message in Berke, a single character for none",
        json_schema_extra=_ui(GROUP_INVITATION, counted=True),
    )
    invitation_sender_name: str | None = Field(
        default=None,
        max_length=SENDER_MAX,
        title="Sender name",
        description="Up to 100 characters; empty for the hiring manager",
        json_schema_extra=_ui(GROUP_INVITATION),
    )
    invitation_sender_email: str | None = Field(
        default=None,
        max_length=SENDER_MAX,
        title="Sender email",
        description="A well-formed address; empty for the hiring manager's",
        json_schema_extra=_ui(GROUP_INVITATION),
    )
    poll_interval_seconds: int = Field(
        default=60,
        ge=15,
        le=3600,
        title="Check for new orders every",
        json_schema_extra=_ui(GROUP_WORK, suffix=" s"),
    )
    result_author: str | None = Field(
        default=None,
        max_length=100,
        title="Default result author",
        description="Shown to recruiters as who delivered a result (e.g. your name)",
        json_schema_extra=_ui(GROUP_WORK),
    )
    result_flow: ResultFlowName = Field(
        default="faq",
        title="Deliver results by",
        description="How a result reaches SmartRecruiters; both are in use",
        json_schema_extra=_ui(
            GROUP_WORK,
            choices={
                "faq": "completing the order with the result (one call)",
                "documented": "creating the result, then completing (two calls)",
            },
        ),
    )
    max_upload_mb: int = Field(
        default=DEFAULT_MAX_MB,
        ge=1,
        le=200,
        title="Largest report to upload",
        json_schema_extra=_ui(GROUP_WORK, suffix=" MB"),
    )
    delivery: DeliveryMode = Field(
        default="manual",
        title="Deliver completed assessments",
        description="Automatic delivery sends each result and report as soon as Berke has "
        "them, and logs it in the order's activity",
        json_schema_extra=_ui(
            GROUP_WORK,
            choices={
                "manual": "after I look at the preview (one click)",
                "automatic": "automatically, as soon as Berke has the result",
            },
        ),
    )
    pass_level: PassLevel = Field(
        default="medium",
        title="A result passes from",
        description="The job fit for the order's job at which SmartRecruiters shows Passed",
        json_schema_extra=_ui(
            GROUP_WORK,
            choices={"low": "a Low fit", "medium": "a Medium fit", "high": "a High fit only"},
        ),
    )
    stale_new_days: int = Field(
        default=2,
        ge=1,
        le=60,
        title="Flag new orders older than",
        json_schema_extra=_ui(GROUP_WORK, suffix=" days"),
    )
    remind_after_days: int = Field(
        default=3,
        ge=1,
        le=60,
        title="Offer a reminder after",
        description="Days after the invitation with the assessment not started",
        json_schema_extra=_ui(GROUP_WORK, suffix=" days"),
    )
    invite_cooldown_hours: int = Field(
        default=24,
        ge=0,
        le=720,
        title="Between two invitations to one person, wait",
        description="A second invitation inside this time asks for a confirmation",
        json_schema_extra=_ui(GROUP_WORK, suffix=" h"),
    )

    @field_validator("name", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator(
        "berke_username",
        "result_author",
        "invitation_message",
        "invitation_sender_name",
        "invitation_sender_email",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return blank_to_none(value)  # Berke wants an absent username, not an empty one

    @field_validator(
        "invitation_message", "invitation_sender_name", "invitation_sender_email", mode="before"
    )
    @classmethod
    def _what_berke_carries(cls, value: object, info: ValidationInfo) -> object:
        """Typed in Settings (``TYPED_IN_SETTINGS``): a character Berke's XML cannot carry is
        refused at its field, as in every Berke form. Read from a file saved before that rule:
        cleaned, so that the profile still connects (its invitation failed to build, and with
        it the order board: the desk could not connect at all)."""
        if not isinstance(value, str):
            return value
        if info.context and info.context.get(TYPED_KEY):
            return xml_safe(value, info)
        return blank_to_none(without_xml_unsafe(value))

    @field_validator("invitation_sender_email")
    @classmethod
    def _sender_email(cls, value: str | None) -> str | None:
        return well_formed_or_none(value)  # as every address sent to Berke

    @property
    def default_invitation(self) -> InvitationText | None:
        """The invitation text this profile keeps, or None when it keeps none."""
        text = InvitationText(
            message=self.invitation_message,
            sender_name=self.invitation_sender_name,
            sender_email=self.invitation_sender_email,
        )
        return None if text.is_empty else text

    @model_validator(mode="after")
    def _fixed_addresses(self) -> ConnectionProfile:
        # Production means the published addresses; anything else is a custom profile.
        if self.kind is ProfileKind.PRODUCTION and (
            self.sr_base_url != SR_PRODUCTION_URL or self.berke_base_url != BERKE_PRODUCTION_URL
        ):
            object.__setattr__(self, "sr_base_url", SR_PRODUCTION_URL)
            object.__setattr__(self, "berke_base_url", BERKE_PRODUCTION_URL)
        return self

    @property
    def is_sandbox(self) -> bool:
        return self.kind is ProfileKind.SANDBOX

    def address_problem(self) -> AddressProblem | None:
        """Why no connection can be opened to one of this profile's addresses (None: it can).
        The sandbox's addresses are its own."""
        if self.is_sandbox:
            return None
        for field, service in (("sr_base_url", "SmartRecruiters"), ("berke_base_url", "Berke")):
            try:
                require_secure_base_url(getattr(self, field), service)
            except ValueError as exc:
                return AddressProblem(field, str(exc))
        return None

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * MB

    @property
    def berke_window_ms(self) -> int:
        return self.berke_window_seconds * 1000


def data_file_name(profile: ConnectionProfile) -> str:
    """Which data file keeps the profile's orders and journal: "" for Production (the app's
    own file), the profile's own for the others. Two profiles with one file would mix
    accounts: a journal of one would be resumed against the other."""
    return profile_data_file(
        production=profile.kind is ProfileKind.PRODUCTION,
        name=profile.name,
        data_file=profile.data_file,
    )


def points_elsewhere(saved: ConnectionProfile, now: ConnectionProfile) -> bool:
    """Whether a Custom profile now reaches another server than it was saved for (either
    service's address): its data file holds the orders and the pending steps of the account
    it pointed at."""
    kinds = (saved.kind, now.kind)
    if kinds != (ProfileKind.CUSTOM, ProfileKind.CUSTOM):
        return False
    return not (
        same_server(saved.sr_base_url, now.sr_base_url)
        and same_server(saved.berke_base_url, now.berke_base_url)
    )


def sharing_a_data_file(profiles: list[ConnectionProfile]) -> tuple[str, str] | None:
    """The first two profiles whose orders would be kept in one data file, or None."""
    seen: dict[str, str] = {}
    for profile in profiles:
        if profile.is_sandbox:
            continue  # its orders live in memory
        name = data_file_name(profile)
        if name in seen:
            return seen[name], profile.name
        seen[name] = profile.name
    return None


def with_legacy_data_file(profile: object) -> object:
    """A saved profile (a settings file's JSON object) with the data file it has always used
    when it was saved before profiles kept one."""
    if not isinstance(profile, dict) or "data_file" in profile:
        return profile
    if profile.get("kind") in (ProfileKind.SANDBOX, ProfileKind.PRODUCTION):
        return {**profile, "data_file": ""}
    name = profile.get("name")
    return {**profile, "data_file": legacy_data_file(name if isinstance(name, str) else "")}


def builtin_profiles() -> list[ConnectionProfile]:
    return [
        ConnectionProfile(name=SANDBOX_PROFILE, kind=ProfileKind.SANDBOX),
        ConnectionProfile(name=PRODUCTION_PROFILE, kind=ProfileKind.PRODUCTION),
    ]


class AppSettings(BaseModel):
    """Every profile and which one is in use. The built-in two are always there. A setting
    this version does not know (a newer desk's) is kept and written back, as a profile's."""

    model_config = ConfigDict(defer_build=True, extra="allow")

    @model_validator(mode="before")
    @classmethod
    def _saved_before_data_files(cls, data: object) -> object:
        # A profile read from a file written before profiles kept their data file keeps the
        # file its name gave it then; a fresh one would hide its cached orders and journal.
        if isinstance(data, dict) and isinstance(data.get("profiles"), list):
            data = {**data, "profiles": [with_legacy_data_file(p) for p in data["profiles"]]}
        return data

    active: str = SANDBOX_PROFILE
    profiles: list[ConnectionProfile] = Field(default_factory=builtin_profiles)
    # The user chose, in the settings dialog, to keep keys in a file when no keyring works.
    keys_file_opt_in: bool = False

    @model_validator(mode="after")
    def _complete(self) -> AppSettings:
        seen: set[str] = set()
        unique = []
        for profile in self.profiles:
            if profile.name not in seen:
                seen.add(profile.name)
                unique.append(profile)
        by_kind = {p.kind for p in unique}
        for builtin in builtin_profiles():
            if builtin.kind not in by_kind and builtin.name not in seen:
                unique.insert(0 if builtin.is_sandbox else 1, builtin)
        self.profiles = unique
        if self.active not in {p.name for p in unique}:
            self.active = SANDBOX_PROFILE
        return self

    def profile(self, name: str) -> ConnectionProfile | None:
        return next((p for p in self.profiles if p.name == name), None)

    @property
    def active_profile(self) -> ConnectionProfile:
        found = self.profile(self.active)
        assert found is not None  # _complete guarantees it
        return found


#: Berke's API token: "Required. 1-50 characters. Case-sensitive." (the CreateAssessment page).
BERKE_TOKEN_MAX = 50


def berke_token_problem(token: str) -> str | None:
    """Why ``token`` cannot be a Berke API token, in a sentence; None when it can be.

    Checked before a token is stored, so a key pasted into the wrong field (SmartRecruiters'
    64-character partner key) is caught at once rather than by a refused call later. Surrounding
    whitespace is trimmed as the key store trims it; the case is kept (tokens are case-sensitive).

    Inside, a line break, a tab, a no-break space or an invisible (format) character is
    refused: pasted with the line after it or copied from a web page, it was stored, and every
    call then failed as "invalid or inactive". An ordinary space is not: Berke's rule is only
    "1-50 characters, case-sensitive", and the token travels in a JSON body, not a header.
    """
    token = token.strip()
    length = len(token)
    if length == 0:
        return "Required: Berke's API tokens are 1–50 characters."
    if not token.isprintable():  # "Other" and "Separator" characters, all but the ASCII space
        return (
            "The token holds a line break, a tab or an invisible character (pasted with the "
            "line after it, or copied from a web page, say): paste it again from Settings | "
            "API:Security in Berke."
        )
    if length > BERKE_TOKEN_MAX:
        return (
            f"Berke's API tokens are 1–{BERKE_TOKEN_MAX} characters; this one has {length}. "
            "Is it the SmartRecruiters key?"
        )
    return None


def sr_key_problem(key: str) -> str | None:
    """Why ``key`` cannot be sent as SmartRecruiters' partner key (an HTTP header: plain ASCII,
    no spaces inside), in a sentence; None when it can be. A no-break space or a dash copied
    from a web page made every request, and so the start, fail."""
    key = key.strip()
    if key and not (key.isascii() and key.isprintable() and not any(c.isspace() for c in key)):
        return (
            "The key holds a character that is not a plain letter, digit or sign (a space or a "
            "dash copied from a web page, say): paste it again from the Partner Portal."
        )
    return None


class Credentials(BaseModel):
    """The two secrets. ``SecretStr`` keeps them out of reprs, logs and tracebacks."""

    model_config = ConfigDict(defer_build=True)

    sr_partner_key: SecretStr
    berke_api_token: SecretStr
