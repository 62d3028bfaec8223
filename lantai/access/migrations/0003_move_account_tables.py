"""The two account tables now belong to the accounts app (accounts/0001): state only, no SQL."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("access", "0002_pendingpasswordchange"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="LoginFailure"),
                migrations.DeleteModel(name="PendingPasswordChange"),
            ]
        )
    ]
