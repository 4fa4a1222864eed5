#!/usr/bin/env python3
"""FTP client sessions for captures/record.sh, driven with Python's ftplib (a real client).

Usage: ftp_sessions.py SCENARIO SERVER USER PASSWORD WORKDIR

Each scenario is a short, typical session; the server's real replies (including its
refusals) are what the capture records. ftplib sends PORT/PASV on IPv4; EPSV and EPRT
sessions are driven with curl by record.sh instead.
"""
import ftplib
import os
import socket
import sys


def anonymous_passive(server, _user, _password, workdir):
    """What the course page shows: an anonymous user fetching two files in passive mode."""
    ftp = ftplib.FTP()
    ftp.connect(server, 21, timeout=10)
    ftp.login("anonymous", "student@wirelab.test")
    ftp.sendcmd("SYST")
    ftp.pwd()
    ftp.voidcmd("TYPE I")
    ftp.cwd("/")
    ftp.set_pasv(True)
    ftp.size("secrets.txt")
    ftp.retrlines("LIST", lambda _line: None)
    for name in ("secrets.txt", "Shield-prototype-plans"):
        with open(os.path.join(workdir, name), "wb") as out:
            ftp.retrbinary("RETR " + name, out.write)
    ftp.quit()


def user_active(server, user, password, workdir):
    """A password user in active mode: the server opens each data connection from port 20."""
    ftp = ftplib.FTP()
    ftp.connect(server, 21, timeout=10)
    ftp.login(user, password)
    ftp.sendcmd("SYST")
    ftp.pwd()
    ftp.set_pasv(False)
    ftp.retrlines("LIST", lambda _line: None)
    ftp.cwd("reports")
    ftp.size("q3-summary.txt")
    with open(os.path.join(workdir, "q3-summary.txt"), "wb") as out:
        ftp.retrbinary("RETR q3-summary.txt", out.write)
    with open(os.path.join(workdir, "upload.txt"), "wb") as src:
        src.write(b"Draft notes uploaded over plain FTP: anyone on the wire can read them.\n")
    with open(os.path.join(workdir, "upload.txt"), "rb") as src:
        ftp.storbinary("STOR notes-from-ws01.txt", src)
    ftp.quit()


def failures(server, user, password, workdir):
    """Replies a student should recognise: 530, 500 on an impossible PORT, 425 on a dead data port."""
    ftp = ftplib.FTP()
    ftp.connect(server, 21, timeout=10)
    try:
        ftp.login(user, "password123")
    except ftplib.error_perm:
        pass  # 530 Login incorrect.: the point of this session
    ftp.close()

    ftp = ftplib.FTP()
    ftp.connect(server, 21, timeout=10)
    ftp.login(user, password)
    ftp.voidcmd("TYPE I")
    local = ftp.sock.getsockname()[0].replace(".", ",")
    try:
        ftp.sendcmd("PORT %s,287,99" % local)  # 287 is not a byte: the server must refuse it
    except ftplib.error_perm:
        pass
    # A port that nothing listens on: the server's connect is refused and it answers 425.
    closed = socket.socket()
    closed.bind((ftp.sock.getsockname()[0], 0))
    port = closed.getsockname()[1]
    closed.close()
    ftp.sendport(ftp.sock.getsockname()[0], port)
    try:
        ftp.sendcmd("RETR reports/q3-summary.txt")
    except (ftplib.error_temp, ftplib.error_perm):
        pass
    ftp.quit()


SCENARIOS = {
    "anonymous-passive": anonymous_passive,
    "user-active": user_active,
    "failures": failures,
}

if __name__ == "__main__":
    if len(sys.argv) != 6 or sys.argv[1] not in SCENARIOS:
        sys.exit("usage: ftp_sessions.py {%s} SERVER USER PASSWORD WORKDIR" % "|".join(SCENARIOS))
    SCENARIOS[sys.argv[1]](*sys.argv[2:])
