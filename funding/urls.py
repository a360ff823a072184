from . import urls_applicant, urls_staff

app_name = "funding"

urlpatterns = [*urls_applicant.urlpatterns, *urls_staff.urlpatterns]
