"""Vietnamese labels for statuses and roles, shared by notifications and the CLI."""

from dondoc.schemas.messages import DirectiveStatus, ItemStatus, Role

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
