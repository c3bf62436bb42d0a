"""paxta: find, prove and report Uyghur forced labour in supply chains."""

from paxta.native import install

__version__ = "0.1.0"

install()  # the compiled name and screening code, when make built it from these sources
