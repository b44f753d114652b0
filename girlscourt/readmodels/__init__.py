"""What a printout renders, as frozen records: the services build them, printing draws them.

Both import this package, so printing never reaches up into the services that call it. It may
import only ``girlscourt.domain`` and ``girlscourt.errors``.
"""
