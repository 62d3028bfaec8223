"""The two account tables, taken over from the access app without touching the database.

The tables were created by access/0001 and access/0002 and keep their names (``db_table``);
this migration only tells Django's state that they now belong here, and access/0003 removes
them from the access app's state. A fresh database runs access/0001–0002 first (dependency).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("access", "0002_pendingpasswordchange"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="LoginFailure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("username", models.CharField(blank=True, max_length=150, verbose_name="用户名")),
                ("ip", models.CharField(blank=True, max_length=45, verbose_name="客户端地址")),
                ("at", models.DateTimeField(db_index=True, verbose_name="时间")),
            ],
            options={
                "verbose_name": "登录失败记录",
                "verbose_name_plural": "登录失败记录",
                "db_table": "access_loginfailure",
                "indexes": [
                    models.Index(fields=["username", "at"], name="access_loginfail_user_at"),
                    models.Index(fields=["ip", "at"], name="access_loginfail_ip_at"),
                ],
            },
        ),
        migrations.CreateModel(
            name="PendingPasswordChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("issued_by", models.CharField(blank=True, max_length=150, verbose_name="签发人")),
                ("issued_at", models.DateTimeField(auto_now_add=True, verbose_name="签发时间")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pending_password_change",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="账号",
                    ),
                ),
            ],
            options={
                "verbose_name": "待修改的临时密码",
                "verbose_name_plural": "待修改的临时密码",
                "db_table": "access_pendingpasswordchange",
            },
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
