"""dondoc: durable follow-up of committee directives on Temporal."""
