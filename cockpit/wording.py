"""Texts an admin writes once in English and may also word in German (rule names and
guidance, segment descriptions, sequence steps)."""

from django.utils import translation


def in_readers_language(text: str, german: str) -> str:
    """The German wording on German pages when there is one, else the text as written."""
    return (german if translation.get_language() == "de" else "") or text
