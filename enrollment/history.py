"""One base for the append-only history tables (enrollment and attendance changes)."""

from django.core.exceptions import ValidationError
from django.db import models


class AppendOnlyHistory(models.Model):
    """A history row is written once: saving it again or deleting it is refused."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(f"{self._meta.verbose_name_plural} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(f"{self._meta.verbose_name_plural} is append-only.")
