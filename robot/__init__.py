"""Provider Portal Robot: finishes every provider's OfficeMate portal account from MaxMD's Direct addresses."""

__version__ = "0.1.0"
