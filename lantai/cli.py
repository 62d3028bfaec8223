"""The ``lantai`` console command.

It sets Django up, turns configuration and connection problems into one clear line, brings a
fresh ``LANTAI_DATA_DIR`` up to date (migrations included) so nothing else has to run first,
and then hands over to the management command of the same name.
"""

from __future__ import annotations

import os
import sys

# Plain-Python commands: no database needed, so no Django start-up. name → (module, summary)
NO_DJANGO_COMMANDS: dict[str, tuple[str, str]] = {
    "extract": ("lantai.text.command", "文本处理：extract FILE [--json] 提取题名、日期、正文等"),
}


def print_help() -> None:
    print("兰台 Lantai 数字档案馆\n\n用法：lantai <命令> [参数]，lantai <命令> --help 查看说明\n")
    from lantai.cli_help import commands

    summaries = {name: summary for name, (_, summary) in NO_DJANGO_COMMANDS.items()}
    for name, summary in {**commands(), **summaries}.items():
        print(f"  {name:<12}{summary}")
    print("\n其余 Django 管理命令（如 migrate、shell）也可使用。")


def fail(message: str, code: int = 2) -> int:
    sys.stderr.write(f"错误：{message}\n")
    return code


def setup_django() -> int:
    """Import settings and connect; 0 on success, an exit code after one line otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantai.settings")
    from lantai.env import SettingError, env_str, mask_password

    try:
        import django

        django.setup()
    except SettingError as error:
        return fail(f"配置有误：{error}")
    from django.db import OperationalError, connection

    try:
        connection.ensure_connection()
    except OperationalError as error:
        from lantai.cli_base import disk_full_message, sqlite_out_of_space
        from lantai.faults import DISK_FULL_EXIT

        if sqlite_out_of_space():
            sys.stderr.write(disk_full_message(error) + "\n")
            return DISK_FULL_EXIT
        url = mask_password(env_str("LANTAI_DATABASE_URL", "（内置 SQLite）"))
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return fail(
            f"无法连接数据库 {url}：{reason}。请检查 LANTAI_DATABASE_URL 与数据库服务是否已启动"
        )
    return 0


def migrate_if_needed() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        sys.stderr.write("正在初始化/升级数据库…\n")
        call_command("migrate", interactive=False, verbosity=0)


def guarded(step) -> int:
    """Run a start-up step outside any command's own error handling: a full disk or a crash
    is one line (and exit 75 or 70), never a traceback."""
    from lantai.cli_base import report_failure

    try:
        step()
    except Exception as error:
        return report_failure(error, "数据库初始化/升级")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print_help()
        return 0
    if argv[0] in NO_DJANGO_COMMANDS:
        from importlib import import_module

        return import_module(NO_DJANGO_COMMANDS[argv[0]][0]).main(argv[1:])
    status = setup_django()
    if status:
        return status
    if "--help" not in argv and "-h" not in argv and argv[0] not in {"migrate", "makemigrations"}:
        status = guarded(migrate_if_needed)
        if status:
            return status
    from django.core.management import ManagementUtility

    utility = ManagementUtility(["lantai", *argv])
    utility.prog_name = "lantai"
    try:
        utility.execute()
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
