"""Small reusable widgets: the confidentiality banner, the message bar, the youth form."""
