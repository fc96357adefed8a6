"""A reader's language: the summaries e-mailed to them are written in it (blank: the site's
language). Reversing removes the field."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0006_remove_old_delivery_fields'),
    ]

    operations = [
        migrations.AddField(
            model_name='reminderpreference',
            name='language',
            field=models.CharField(blank=True, choices=[('en', 'English'), ('fr', 'French')], db_default='', default='', help_text="The summaries e-mailed to you are written in it; blank: the site's language.", max_length=10, verbose_name='language of e-mails'),
        ),
        migrations.AddConstraint(
            model_name='reminderpreference',
            constraint=models.CheckConstraint(condition=models.Q(('language__in', ['', 'en', 'fr'])), name='reports_reminderpreference_known_language', violation_error_message="Choose one of the site's languages."),
        ),
    ]
