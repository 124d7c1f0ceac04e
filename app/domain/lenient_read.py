"""Reading a service's error answer for whatever it can tell.

An error body is read field by field: a field whose value does not fit its model (a numeric
``code``, a ``null`` message, a time with a fraction) is left out, never a reason to drop the
whole answer (its message would be lost, or its raw text shown in its place). Shared by both
clients' error bodies (Berke's envelope and 429 figures, SmartRecruiters' error JSON).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def read_leniently(model: type[M], payload: dict[str, Any]) -> M:
    """``model`` read from ``payload``, leaving out the fields whose values do not fit.

    An error answer is read for whatever it can tell (``"response": {}`` must not hide the
    429's wait figures); a field that does not fit is absent, never a reason to fail.
    """
    data = dict(payload)
    for _attempt in range(len(model.model_fields) + 1):
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            # Keys are read whatever their case (``BerkeResponseModel``): "IsDailyLimit" is
            # the field "isDailyLimit" names.
            bad = {str(error["loc"][0]).casefold() for error in exc.errors() if error["loc"]}
            fitting = {k: v for k, v in data.items() if str(k).casefold() not in bad}
            if len(fitting) == len(data):
                break
            data = fitting
    return model.model_validate({})
