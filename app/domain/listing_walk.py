"""Where a listing read page by page (``limit`` and ``offset``) ends.

SmartRecruiters lists orders newest first, and orders arrive while the pages are read: 100
orders arriving between two requests push page 1 down whole, so page 2 repeats it. A page that
holds nothing new is therefore no sign of the listing's end while ``totalFound`` counts more; it
ended syncs early, said complete, with hundreds of orders never read. The end is:

- an empty page;
- the offset reaching ``totalFound``, or, where a page gave no ``totalFound`` (a proxy, another
  version of the API), a page shorter than asked for and than an earlier page (a proxy that
  holds its pages to 50 made the first page "short", and the listing ended there: the first
  page alone never ends it, the next one is asked for);
- and, for a service that answers the same page whatever the offset, or lists for ever: a few
  pages in a row with nothing new, or more pages than any account has. The listing is then cut
  short, and ``cut_short`` says why in words.

An end on the offset is a complete listing only if the pages held the orders counted. A
service or proxy that answers page 1 whatever the offset reaches a ``totalFound`` of 300 or
fewer in three pages, before the rule above: 100 orders of 250 read, and the sync said
complete. So that end is also cut short when its last page was a whole page of orders read
before (it never is when orders merely arrive or leave: those move the pages by a few, and a
short last page of one repeated order is the listing's end). A whole page is the largest the
service gave in this listing, not the size asked for: a proxy that also holds its pages to 50
made every page "short", and 70 orders of 120 were never read. A listing
that merely gives a few orders fewer than it counts is not cut short: the sync asks for each
order it held and did not see (an order moving between pages while they are read).
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Pages in a row with no item not seen before, after which the service is taken to repeat
#: itself. One is what a burst of a page of new orders gives; three would take 300 orders
#: arriving in the second between two requests.
STALE_PAGES_AT_MOST = 3

#: Pages read at most in one listing: 1,000,000 orders at 100 a page (1,000 s at
#: SmartRecruiters' 10 requests a second), far beyond any account's.
PAGES_AT_MOST = 10_000


@dataclass
class ListingWalk:
    """One listing's progress: ``take`` each page's figures; ``offset`` is the next page's."""

    page_size: int
    offset: int = 0
    pages: int = 0
    cut_short: str | None = None  # why the listing was left before its end (None: it was not)
    distinct: int = 0  # different items read so far (the ``fresh`` of every page)
    _stale_in_a_row: int = field(default=0, init=False, repr=False)
    _largest_page: int = field(default=0, init=False, repr=False)  # the service's own size

    def take(self, items: int, fresh: int, total_found: int | None) -> bool:
        """One page read: ``items`` on it, ``fresh`` of them not seen before, the service's
        count. True while there is another page to read."""
        self.pages += 1
        self.offset += items
        self.distinct += fresh
        self._stale_in_a_row = 0 if fresh else self._stale_in_a_row + 1
        larger_before = self._largest_page
        self._largest_page = max(self._largest_page, items)
        if items == 0:
            return False
        if total_found is None:
            if items < self.page_size and items < larger_before:
                return False
        elif self.offset >= total_found:
            self._check_counted(items, fresh, total_found)
            return False
        if self._stale_in_a_row >= STALE_PAGES_AT_MOST:
            of_total = "" if total_found is None else f" of {total_found:,}"
            self.cut_short = (
                f"SmartRecruiters answered {self._stale_in_a_row} pages in a row with orders "
                f"already read, after {self.offset:,}{of_total}: the rest were not read"
            )
            return False
        if self.pages >= PAGES_AT_MOST:
            self.cut_short = (
                f"SmartRecruiters listed more than {self.offset:,} orders "
                f"({self.pages:,} pages): the rest were not read"
            )
            return False
        return True

    def _check_counted(self, items: int, fresh: int, total_found: int) -> None:
        """The walk ends on the offset: cut short when its last page was a whole page (as
        large as any the service gave) of orders read before (see the module docstring)."""
        if fresh or items < self._largest_page:
            return
        self.cut_short = (
            f"SmartRecruiters counted {total_found:,} orders but its pages held "
            f"{self.distinct:,} different ones, the same orders again where others were "
            "expected: the rest were not read"
        )
