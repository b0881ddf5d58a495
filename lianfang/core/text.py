from django.utils.translation import pgettext


def join_list(items) -> str:
    """Items joined with the language's list separator (“、” in Chinese, “, ” in English)."""
    return pgettext("list separator", "、").join(str(item) for item in items)
