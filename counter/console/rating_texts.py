"""Sentences of the service ratings page's script (``/console/ratings``, 好差评), in the
page's language; placeholders as in `counter.console.texts`."""

from __future__ import annotations

from flask_babel import gettext

from counter.console.texts import page_texts, slots


def rating_texts() -> dict[str, object]:
    """Every sentence of ``static/ratings.js``."""
    return {
        **page_texts(),
        "levels": {
            "5": gettext("Very satisfied"),
            "4": gettext("Satisfied"),
            "3": gettext("Basically satisfied"),
            "2": gettext("Dissatisfied"),
            "1": gettext("Very dissatisfied"),
        },
        "fixRatings": {
            "satisfied": gettext("Satisfied"),
            "basically_satisfied": gettext("Basically satisfied"),
            "dissatisfied": gettext("Dissatisfied"),
        },
        "window": gettext("Window %(window)s", **slots("window")),
        "percent": gettext("%(value)s%%", **slots("value")),
        "ordersValue": gettext("%(open)s (%(overdue)s)", **slots("open", "overdue")),
        "due": gettext("Due %(day)s", **slots("day")),
        "overdue": gettext("Overdue since %(day)s", **slots("day")),
        "closed": gettext("Followed up and closed"),
        "assignedTo": gettext("For %(leader)s", **slots("leader")),
        "noLeader": gettext("No duty leader named"),
        "callBackNumber": gettext("Call-back number: %(phone)s", **slots("phone")),
        "noPhone": gettext("No call-back number left"),
        "taxpayerWords": gettext("In their words: %(text)s", **slots("text")),
        "calledBack": gettext(
            "Called back %(when)s by %(who)s: %(said)s", **slots("when", "who", "said")
        ),
        "said": gettext("What the taxpayer said"),
        "recordCallBack": gettext("Record the call-back"),
        "callBackSaved": gettext("Call-back recorded."),
        "cause": gettext("Cause"),
        "fix": gettext("Fix (整改措施)"),
        "result": gettext("Result"),
        "closeOrder": gettext("Close the work order"),
        "orderClosed": gettext("Work order closed."),
        "fixedBy": gettext("Closed %(when)s by %(who)s", **slots("when", "who")),
        "fixRating": gettext("How the taxpayer rated the fix"),
        "fixRated": gettext("The taxpayer's view of the fix is recorded."),
        "appeal": gettext("Appeal by %(who)s: %(reason)s", **slots("who", "reason")),
        "appealStates": {
            "pending": gettext("waiting for the administrator's decision"),
            "upheld": gettext("upheld: the rating is left out of the figures"),
            "rejected": gettext("rejected"),
        },
        "decision": gettext("Decision: %(reason)s", **slots("reason")),
        "decisionReason": gettext("Reasons for the decision"),
        "uphold": gettext("Uphold the appeal"),
        "reject": gettext("Reject the appeal"),
        "decided": gettext("Decision recorded."),
        "servedBy": gettext(
            "%(window)s · %(clerk)s · %(service)s", **slots("window", "clerk", "service")
        ),
        "total": gettext("The hall"),
        "none": gettext("–"),
    }
