"""The services of spare parts: each step locks its record, checks stage and role, and records itself."""

from .requisitions import (
    requisition_approve,
    requisition_cancel,
    requisition_close,
    requisition_create,
    requisition_issue,
    requisition_reject,
    requisition_return,
    requisition_submit,
    requisition_update,
)

__all__ = [
    "requisition_approve",
    "requisition_cancel",
    "requisition_close",
    "requisition_create",
    "requisition_issue",
    "requisition_reject",
    "requisition_return",
    "requisition_submit",
    "requisition_update",
]
