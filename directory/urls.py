"""URLs of the directory: public pages (urls_public), what organisations and the KI keep
(urls_manage) and the figures per town (urls_figures), one namespace."""

from . import urls_figures, urls_manage, urls_public

app_name = "directory"

urlpatterns = urls_public.urlpatterns + urls_manage.urlpatterns + urls_figures.urlpatterns
