from django.urls import path

from mandates import views

app_name = "mandates"

urlpatterns = [
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
