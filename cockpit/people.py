"""People as the product shows them: by their full name, the username when they have none."""

from django import forms
from django.contrib.auth.models import AbstractBaseUser


def person_name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


def person_name_from(first_name: str, last_name: str, username: str) -> str:
    """person_name of a user read as values (an export streaming rows, not users)."""
    return f"{first_name} {last_name}".strip() or username


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AbstractBaseUser) -> str:
        return person_name(obj)


def name_people(field: forms.ModelChoiceField) -> None:
    """Show a form's existing user field by full names."""
    field.label_from_instance = person_name
