"""Places: the Xinjiang gazetteer and the locator that finds the XUAR and XPCC in addresses."""

from paxta.places.locator import Location, locate_address

__all__ = ["Location", "locate_address"]
