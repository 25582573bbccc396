from common.errors import RuleError


class AttendanceError(RuleError):
    """An attendance, check-in or certificate rule refused the action."""
