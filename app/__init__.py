"""Assessment Desk: the Berke coordinators' console for SmartRecruiters assessment orders."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("assessment-desk")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
