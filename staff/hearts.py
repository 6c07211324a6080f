"""The "six hearts" (六心) of the service rating, with what each means when a manager rates it."""

from django.utils.translation import gettext_lazy as _

# (field on SixHeartsRating, the heart, what it asks of the person)
HEARTS = (
    (
        "confidence",
        _("Confidence (信心)"),
        _("Believes in the product and in their own skill, and gives the customer that assurance."),
    ),
    (
        "warmth",
        _("Warmth (热心)"),
        _("Meets every customer with enthusiasm and goes first to help, without being asked twice."),
    ),
    (
        "dedication",
        _("Dedication (用心)"),
        _("Puts their mind to the customer's real problem and follows it through to the end."),
    ),
    (
        "patience",
        _("Patience (耐心)"),
        _("Listens to the whole complaint and explains again, calmly, however often it takes."),
    ),
    (
        "sincerity",
        _("Sincerity (诚心)"),
        _("Is honest with the customer, keeps promises and admits the company's faults."),
    ),
    (
        "carefulness",
        _("Carefulness (细心)"),
        _("Pays attention to detail: records, parts, dates and the customer's words are right."),
    ),
)
HEART_FIELDS = tuple(field for field, _label, _meaning in HEARTS)

# The overall score blends the manager's six hearts with the customer's view (the mean
# service-attitude score of the follow-up calls on the person's complaints in the period).
MANAGER_WEIGHT = 0.8
CUSTOMER_WEIGHT = 0.2
