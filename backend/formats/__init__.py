"""Date and time formats per language (settings.FORMAT_MODULE_PATH): one format per language
for each kind of date, and a 24-hour clock everywhere. Templates use the names only
(`|date:"SHORT_DATE_FORMAT"`), never a pattern of their own."""
