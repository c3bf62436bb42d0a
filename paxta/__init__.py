"""paxta: find, prove and report Uyghur forced labour in supply chains."""

__version__ = "0.1.0"
