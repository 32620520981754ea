from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """An uploaded file on its way in: checked (a dry run), then imported on request."""

    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("Customers")
        TRANSACTIONS = "transactions", _("Transactions")
        INTERACTIONS = "interactions", _("Touchpoints")

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        INVALID = "invalid", _("Problems found")
        CHECKED = "checked", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("what"), max_length=16, choices=Kind.choices)
    filename = models.CharField(_("file"), max_length=255)
    # The file itself, in the database so any worker can read it; emptied once imported.
    content = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The page's language at upload: the report speaks it, whatever the profile says.
    language = models.CharField(max_length=8, blank=True, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CHECKING)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=100, blank=True)
    problems = models.JSONField(default=list, blank=True)  # [{line, field, value, message}]
    problem_count = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)  # counts of the dry run / import
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("file import")
        verbose_name_plural = _("file imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("imports:job", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)
