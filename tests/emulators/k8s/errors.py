"""API errors rendered as Kubernetes Status objects."""

from __future__ import annotations


class ApiError(Exception):
    def __init__(self, code: int, reason: str, message: str, details: dict | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details

    def status(self) -> dict:
        out = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details is not None:
            out["details"] = self.details
        return out


def not_found(gr: str, name: str, group: str = "", plural: str = "") -> ApiError:
    details = {"name": name, "kind": plural or gr}
    if group:
        details["group"] = group
    return ApiError(404, "NotFound", f'{gr} "{name}" not found', details)


def already_exists(gr: str, name: str, group: str = "", plural: str = "") -> ApiError:
    details = {"name": name, "kind": plural or gr}
    if group:
        details["group"] = group
    return ApiError(409, "AlreadyExists", f'{gr} "{name}" already exists', details)


def conflict(gr: str, name: str, group: str = "", plural: str = "") -> ApiError:
    details = {"name": name, "kind": plural or gr}
    if group:
        details["group"] = group
    return ApiError(
        409,
        "Conflict",
        f'Operation cannot be fulfilled on {gr} "{name}": the object has been modified; '
        "please apply your changes to the latest version and try again",
        details,
    )


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)
