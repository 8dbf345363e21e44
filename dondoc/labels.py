"""Every Vietnamese label a person sees: statuses, roles, action, notice and timeline kinds."""

from dondoc.schemas.lifecycle import ActionKind
from dondoc.schemas.status import DirectiveStatus, ItemStatus, Role
from dondoc.schemas.summary import Category

ITEM_STATUS_VN: dict[ItemStatus, str] = {
    ItemStatus.NOT_RECEIVED: "chưa tiếp nhận",
    ItemStatus.IN_PROGRESS: "đang thực hiện trong hạn",
    ItemStatus.DUE_SOON: "sắp đến hạn",
    ItemStatus.OVERDUE: "quá hạn",
    ItemStatus.AWAITING_REVIEW: "chờ đánh giá",
    ItemStatus.REFUSED: "từ chối",
    ItemStatus.COMPLETED_ON_TIME: "hoàn thành đúng hạn",
    ItemStatus.COMPLETED_LATE: "hoàn thành quá hạn",
    ItemStatus.RECALLED: "thu hồi",
}
DIRECTIVE_STATUS_VN: dict[DirectiveStatus, str] = {
    DirectiveStatus.IN_PROGRESS: "đang thực hiện",
    DirectiveStatus.COMPLETED: "đã hoàn thành",
}
ROLE_VN: dict[str, str] = {Role.LEAD: "chủ trì", Role.SUPPORT: "phối hợp"}
# A lifecycle action as a short noun phrase (the item's history in `status`, the timeline).
ACTION_KIND_VN: dict[ActionKind, str] = {
    ActionKind.RECEIPT: "tiếp nhận",
    ActionKind.REFUSAL: "từ chối",
    ActionKind.REFUSAL_OVERRULED: "giữ nguyên phân công",
    ActionKind.EXTENSION_REQUESTED: "đề nghị gia hạn",
    ActionKind.EXTENSION_APPROVED: "đồng ý gia hạn",
    ActionKind.EXTENSION_REJECTED: "không đồng ý gia hạn",
    ActionKind.REASSIGNED: "điều chỉnh phân công",
    ActionKind.RECALLED: "thu hồi",
    ActionKind.REVIEW_SUBMITTED: "báo cáo hoàn thành, chờ đánh giá",
    ActionKind.REVIEW_ACCEPTED: "đánh giá đạt",
    ActionKind.REVIEW_RETURNED: "đánh giá chưa đạt",
    ActionKind.EXPLANATION_REQUESTED: "yêu cầu giải trình",
    ActionKind.EXPLANATION_ANSWERED: "giải trình",
    ActionKind.EXPLANATION_DECIDED: "kết luận sau giải trình",
    ActionKind.EXPLANATION_OVERDUE: "quá hạn giải trình",
    ActionKind.RECEIPT_REMINDER: "nhắc tiếp nhận",
    ActionKind.RECEIPT_ESCALATION: "báo cáo chưa tiếp nhận",
    ActionKind.MILESTONE_REACHED: "đến mốc",
    ActionKind.PERIOD_CUTOFF: "chốt số liệu",
    ActionKind.PERIOD_MISSED: "thiếu báo cáo kỳ",
}
# The other kinds of notification (the outbox's `kind`) and of timeline entry (`dondoc simulate`).
EVENT_KIND_VN: dict[str, str] = {
    "assignment": "giao việc",
    "reminder": "nhắc việc",
    "escalation": "báo cáo vượt hạn",
    "completion": "báo cáo hoàn thành",
    "report": "báo cáo",
    "report_rejected": "báo cáo bị từ chối",
    "status": "trạng thái",
}
# What the timeline adds after an action's label, from the action's recorded data.
ACTION_DETAIL_VN: dict[ActionKind, str] = {
    ActionKind.MILESTONE_REACHED: "{title}; {progress}",
    ActionKind.PERIOD_CUTOFF: "kỳ {period}: {progress}",
    ActionKind.PERIOD_MISSED: "kỳ {period}: {units}",
}
DONE_VN = "xong"
# The reporting categories at a cut-off (schemas/summary.py `Category` says where they come from).
CATEGORY_VN: dict[Category, str] = {
    Category.COMPLETED_ON_TIME: "hoàn thành đúng hạn",
    Category.COMPLETED_LATE: "hoàn thành quá hạn",
    Category.IN_PROGRESS_ON_TIME: "đang thực hiện trong hạn",
    Category.IN_PROGRESS_OVERDUE: "đang thực hiện quá hạn",
    Category.NOT_RECEIVED: "chưa tiếp nhận",
    Category.RECALLED: "thu hồi",
}


def kind_label(kind: str) -> str:
    """The label of an action, notification or timeline kind; an unknown kind shows as itself."""
    try:
        return ACTION_KIND_VN[ActionKind(kind)]
    except ValueError:
        return EVENT_KIND_VN.get(kind, kind)


def level_label(level: int) -> str:
    """An escalation's level: `lần 2`."""
    return f"lần {level}"
