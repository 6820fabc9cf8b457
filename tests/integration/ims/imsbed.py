# SPDX-License-Identifier: BSD-3-Clause
"""imsbed: a real IMS core on 127.0.0.1 for integration tests.

    sipp (UE) --SIP--> Kamailio I-CSCF --SIP--> Kamailio S-CSCF
                            |  cdp                  |  cdp
                            +------ Cx ----> dra <--+
                                              |
                                   hss (or `dclient echo` in its place)

Everything is started by the test in its temp dir: our `dra` and `hss` (config written here,
processes through tests/integration/harness.py), Debian's `kamailio` 5.6 with
`kamailio-ims-modules` (configs generated from icscf.cfg.in / scscf.cfg.in / cdp.xml.in),
`sipp` (Debian `sip-tester`, scenarios from *.xml.in) and optionally `tshark` on `lo`.

Kamailio's cdp resolves every Diameter peer by its FQDN and has no address setting, so each
Kamailio runs under `unshare -m` with this test's hosts file bind-mounted on /etc/hosts (the
test names map to 127.0.0.1); nothing outside the test sees it. The system's kamailio service
is never used.

Usage (see test_kamailio_register.py):

    bed = imsbed.ImsBed(h)            # skips (77) when Kamailio/sipp/unshare are unusable
    bed.start(backend='hss')          # or 'echo': dclient echo answers Cx 2001
    r = bed.sipp('reg_digest', bed.digest_user)
    h.check(r.rc == 0, ...)

Ports: 25500-25549 (TCP for Diameter, UDP for SIP).
"""
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import harness  # noqa: E402

PORTS = (25500, 25549)
PORT_DRA, PORT_HSS = 25500, 25501
PORT_ICSCF_CDP, PORT_SCSCF_CDP = 25502, 25503
PORT_PROBE = 25505
PORT_ICSCF_SIP, PORT_SCSCF_SIP, PORT_UE = 25510, 25511, 25512
CAPTURE_FILTER = 'portrange 25500-25549'
EXPERT_WARN = 6291456   # tshark expert severity "warning" (errors are above)
DECODE_AS = ['-d', 'tcp.port==25500-25509,diameter',
             '-d', 'udp.port==25510-25519,sip']

# One IMS domain; the Diameter realm of every node is the same, as in most deployments
# (the DRA then relays its own realm's Cx through its advertise_apps dispatch path).
DOMAIN = 'ims.test'
REALM = 'ims.test'
DRA_HOST = 'dra.' + REALM
HSS_HOST = 'hss.' + REALM
ICSCF_HOST = 'icscf.' + REALM
SCSCF_HOST = 'scscf.' + REALM
SCSCF_URI = 'sip:%s:%d' % (SCSCF_HOST, PORT_SCSCF_SIP)
PROBE_HOST = 'cx-probe.' + REALM   # dclient asking the HSS whether it serves Cx

# Cx/Dx command codes (TS 29.229), for captures and dclient echo output.
UAR, SAR, LIR, MAR, RTR, PPR = 300, 301, 302, 303, 304, 305
CX_NAMES = {UAR: 'UAR', SAR: 'SAR', LIR: 'LIR', MAR: 'MAR', RTR: 'RTR', PPR: 'PPR'}

# Where Debian puts the modules; the first directory holding ims_icscf.so wins.
MODULE_DIRS = ('/usr/lib/x86_64-linux-gnu/kamailio/modules', '/usr/lib/aarch64-linux-gnu/kamailio/modules',
               '/usr/lib64/kamailio/modules', '/usr/lib/kamailio/modules')
# Debian ships the Cx User-Data schemas with the examples; used to validate the HSS's XML.
USER_DATA_XSD = '/usr/share/doc/kamailio/examples/ims/scscf/CxDataType_Rel7.xsd'

# What the HSS needs in its configuration to serve Cx, appended to hss.yaml: the S-CSCF a
# first registration is offered (Server-Capabilities/Server-Name: the I-CSCF sends the
# REGISTER there) and the home network the P-Visited-Network-ID names.
HSS_CX_CONFIG = (
    'cx:\n'
    '  scscf_names: ["%s"]\n'
    '  home_networks: ["%s"]\n'
    '  outbox_poll_ms: 200\n' % (SCSCF_URI, DOMAIN))


class User:
    """One IMS subscriber as the UE and the HSS see it. K, OP and AMF are printable ASCII
    because sipp takes aka_K / aka_OP / aka_AMF as raw characters (16, 16 and 2 octets)."""

    def __init__(self, impi, impu, scheme, password=None, k=None, op=None, amf=None, imsi=None,
                 msisdn=None):
        self.impi, self.impu, self.scheme = impi, impu, scheme
        self.password, self.k, self.op, self.amf = password, k, op, amf
        self.imsi, self.msisdn = imsi, msisdn

    @property
    def k_hex(self):
        return self.k.encode().hex()

    @property
    def op_hex(self):
        return self.op.encode().hex()

    @property
    def amf_hex(self):
        return self.amf.encode().hex()

    def ha1(self, realm=DOMAIN):
        """HA1 = MD5(IMPI ":" realm ":" password): what the HSS stores and sends as
        Digest-HA1 (32 lowercase hex digits)."""
        import hashlib
        return hashlib.md5(('%s:%s:%s' % (self.impi, realm, self.password)).encode()).hexdigest()


# SIP Digest user: no Authorization header in the first REGISTER, so the I-CSCF derives the
# IMPI from To (alice@ims.test) and the S-CSCF asks the HSS for scheme "unknown".
DIGEST_USER = User('alice@' + DOMAIN, 'sip:alice@' + DOMAIN, 'SIP Digest', password='alice-secret')
# AKA user with a USIM (IMSI-based IMPI, as TS 23.003 derives it); the first REGISTER
# announces algorithm=AKAv1-MD5 so the MAR asks for Digest-AKAv1-MD5.
AKA_USER = User('001010000012345@' + DOMAIN, 'sip:001010000012345@' + DOMAIN, 'Digest-AKAv1-MD5',
                k='dcore-ims-K-0001', op='dcore-ims-OP-001', amf='00',
                imsi='001010000012345', msisdn='33600012345')


def module_dir():
    for d in MODULE_DIRS:
        if os.path.exists(os.path.join(d, 'ims_icscf.so')):
            return d
    return None


def missing_tools():
    """Why the bed cannot run here (a sentence), or None."""
    need = []
    for prog, pkg in (('kamailio', 'kamailio'), ('sipp', 'sip-tester'), ('unshare', 'util-linux')):
        if not shutil.which(prog):
            need.append('%s (Debian package %s)' % (prog, pkg))
    mods = module_dir()
    if shutil.which('kamailio') and not mods:
        need.append('the Kamailio IMS modules (Debian package kamailio-ims-modules)')
    if mods and not os.path.exists(os.path.join(mods, 'presence.so')):
        need.append('the Kamailio presence module (Debian package kamailio-presence-modules)')
    if need:
        return 'not installed: ' + ', '.join(need) + '; ./run deps installs them'
    return None


def fill(template_name, values):
    """Read TEMPLATE from this folder and replace every @NAME@; a placeholder left over is a
    bug in the caller (fail loudly rather than start Kamailio with it)."""
    with open(os.path.join(HERE, template_name)) as f:
        text = f.read()
    # A line holding only a placeholder whose value is empty goes away (an optional header:
    # an empty line would end the SIP headers).
    text = ''.join(line for line in text.splitlines(True)
                   if not any(line.strip() == '@%s@' % k and v == '' for k, v in values.items()))
    for k, v in values.items():
        text = text.replace('@%s@' % k, str(v))
    left = re.findall(r'@[A-Z_]+@', text)
    if left:
        raise ValueError('%s: unfilled %s' % (template_name, ', '.join(sorted(set(left)))))
    return text


class SippResult:
    def __init__(self, name, rc, out, err, messages, errors):
        self.name, self.rc, self.stdout, self.stderr = name, rc, out, err
        self.messages, self.errors = messages, errors

    def responses(self):
        """Status codes of the SIP responses the UE received, in order."""
        return [int(c) for c in re.findall(r'^SIP/2\.0 (\d{3}) ', self.messages, re.M)]

    def __repr__(self):
        return 'SippResult(%s rc=%s responses=%s)' % (self.name, self.rc, self.responses())


class ImsBed:
    """The processes of one IMS test bed, owned by a harness.Harness (which stops them and
    prints their logs on failure)."""

    def __init__(self, h, debug=2):
        why = missing_tools()
        if why:
            harness.skip(why)
        self.h = h
        self.debug = debug
        self.dir = os.path.join(h.tmp, 'ims')
        os.makedirs(self.dir, exist_ok=True)
        self.modpath = module_dir()
        self.hosts = self._write_hosts()
        self._check_unshare()
        self.dra = self.hss = self.echo = self.icscf = self.scscf = self.capture = None
        self.backend = None
        self.sipp_runs = []
        self.hss_db = os.path.join(self.dir, 'hss.db')

    # -- environment ----------------------------------------------------------------------
    def _write_hosts(self):
        path = os.path.join(self.dir, 'hosts')
        with open(path, 'w') as f:
            f.write('127.0.0.1 localhost\n::1 localhost ip6-localhost\n')
            f.write('127.0.0.1 %s %s %s %s %s\n' % (DRA_HOST, HSS_HOST, ICSCF_HOST, SCSCF_HOST, DOMAIN))
        return path

    def ns_argv(self, argv):
        """argv run in a private mount namespace whose /etc/hosts is ours."""
        return ['unshare', '-m', '--', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"',
                self.hosts] + list(argv)

    def _check_unshare(self):
        cp = subprocess.run(self.ns_argv(['getent', 'hosts', DRA_HOST]), capture_output=True, text=True)
        if cp.returncode != 0 or '127.0.0.1' not in cp.stdout:
            harness.skip('cannot give Kamailio its own /etc/hosts (unshare -m + mount --bind, needs '
                         'root/CAP_SYS_ADMIN): %s' % (cp.stderr.strip() or cp.stdout.strip())[-300:])

    # -- Diameter side --------------------------------------------------------------------
    def dra_yaml(self):
        return harness.diameter_yaml(DRA_HOST, REALM, PORT_DRA,
                                     peers=[{'host': HSS_HOST, 'realm': REALM, 'addr': '127.0.0.1',
                                             'port': PORT_HSS}],
                                     accept_peers=[ICSCF_HOST, SCSCF_HOST]) + (
            '# cdp only sends Cx to a peer whose CEA lists Cx (see dra/README.md)\n'
            'advertise_apps: [cx, sh]\n'
            'stats_file: %s/dra-stats.txt\n'
            'peer_groups:\n'
            '  - { name: hss, policy: failover, peers: [%s] }\n'
            'routes:\n'
            '  - { name: ims, match: { app: [cx, sh] }, group: hss }\n'
            '  - { name: default, default: true, group: hss }\n' % (self.dir, HSS_HOST))

    def hss_yaml(self):
        return harness.diameter_yaml(HSS_HOST, REALM, PORT_HSS, accept_peers=[DRA_HOST, PROBE_HOST]) + (
            '  default_route: ["%s"]\n'
            'database:\n  backend: sqlite\n  path: %s\n'
            's6a:\n  home_plmns: ["00101"]\n'
            'ctl_socket: %s/hss.ctl\n' % (DRA_HOST, self.hss_db, self.dir)) + HSS_CX_CONFIG

    def start_dra(self):
        cfg = self.h.write('ims/dra.yaml', self.dra_yaml())
        self.dra = self.h.start('dra', [self.h.binary('dra'), '-c', cfg], wait_port=PORT_DRA, timeout=20)
        self.dra.wait_log(r'relaying, config', timeout=20)
        return self.dra

    def init_db(self):
        """Create the HSS database (the HSS never creates it) unless it exists."""
        if not os.path.exists(self.hss_db):
            self.hssctl('init')

    def start_hss(self):
        self.init_db()
        cfg = self.h.write('ims/hss.yaml', self.hss_yaml())
        self.hss = self.h.start('hss', [self.h.binary('hss'), '-c', cfg], wait_port=PORT_HSS, timeout=20)
        return self.hss

    def start_echo(self):
        """`dclient echo` in the HSS's place (same identity and port): answers every Cx/Sh
        request 2001 and prints it (-v), which proves what reached the HSS position."""
        self.echo = self.h.start('hss-echo', [self.h.binary('dclient'), 'echo', '--identity', HSS_HOST,
                                              '--realm', REALM, '--listen-port', str(PORT_HSS),
                                              '--apps', 'cx,sh', '-v'], wait_port=PORT_HSS)
        return self.echo

    def hssctl(self, *args, check=True):
        argv = [self.h.binary('hssctl'), '--db', self.hss_db] + [str(a) for a in args]
        cp = subprocess.run(argv, capture_output=True, text=True)
        if check and cp.returncode != 0:
            self.h.fail('hssctl %s failed (%d): %s' % (' '.join(argv[3:]), cp.returncode, cp.stderr))
        return cp

    def provision(self):
        """The two users. The USIM of the AKA user is an S6a subscriber (same K/OP/AMF and SQN
        as its IMPI, issue 9); the IMS part (IMPI/IMPU, schemes, HA1, service profile) is added
        with hssctl's IMS commands once they exist: PROVISION_IMS is that hook."""
        u = AKA_USER
        self.init_db()
        self.hssctl('add', '--imsi', u.imsi, '--k', u.k_hex, '--op', u.op_hex, '--amf', u.amf_hex,
                    '--msisdn', u.msisdn, '--apn', 'ims')
        PROVISION_IMS(self)

    # -- Kamailio -------------------------------------------------------------------------
    def _icscf_db(self):
        d = os.path.join(self.dir, 'icscf-db')
        os.makedirs(d, exist_ok=True)
        esc = SCSCF_URI.replace(':', '\\:')
        files = {
            's_cscf': 'id(int,auto) name(string) s_cscf_uri(string)\n1:scscf:%s\n' % esc,
            's_cscf_capabilities': 'id(int,auto) id_s_cscf(int) capability(int)\n',
            'nds_trusted_domains': 'id(int,auto) trusted_domain(string)\n1:%s\n' % DOMAIN,
        }
        for name, text in files.items():
            with open(os.path.join(d, name), 'w') as f:
                f.write(text)
        return d

    def start_kamailio(self, role):
        host = ICSCF_HOST if role == 'icscf' else SCSCF_HOST
        sip_port = PORT_ICSCF_SIP if role == 'icscf' else PORT_SCSCF_SIP
        cdp_port = PORT_ICSCF_CDP if role == 'icscf' else PORT_SCSCF_CDP
        cdp_xml = self.h.write('ims/%s-cdp.xml' % role, fill('cdp.xml.in', {
            'FQDN': host, 'REALM': REALM, 'DRA_FQDN': DRA_HOST, 'DRA_REALM': REALM,
            'DRA_PORT': PORT_DRA, 'CDP_PORT': cdp_port}))
        values = {'DEBUG': self.debug, 'SIP_PORT': sip_port, 'HOST': host, 'DOMAIN': DOMAIN,
                  'MODPATH': self.modpath, 'CDP_XML': cdp_xml, 'DIAMETER_REALM': REALM}
        if role == 'icscf':
            values['DB_DIR'] = self._icscf_db()
        else:
            values['SCSCF_URI'] = SCSCF_URI
            values['USER_DATA_XSD'] = (
                'modparam("ims_registrar_scscf", "user_data_xsd", "%s")' % USER_DATA_XSD
                if os.path.exists(USER_DATA_XSD) else '# no CxDataType XSD installed: User-Data not validated')
        cfg = self.h.write('ims/%s.cfg' % role, fill('%s.cfg.in' % role, values))
        run = os.path.join(self.dir, 'run-' + role)
        os.makedirs(run, exist_ok=True)
        check = subprocess.run(['kamailio', '-c', '-f', cfg], capture_output=True, text=True)
        if check.returncode != 0:
            self.h.fail('kamailio -c refuses %s.cfg:\n%s' % (role, check.stderr[-4000:]))
        # -DD: stay in the foreground with the usual child processes; -E: log to stderr;
        # -w: working directory (a crash's core file lands in the temp dir, not in /).
        argv = self.ns_argv(['kamailio', '-DD', '-E', '-f', cfg, '-Y', run, '-w', run,
                             '-P', os.path.join(run, 'pid'), '-m', '64', '-M', '8'])
        # cdp's children start after every module initialised: the process is up.
        p = self.h.start(role, argv, wait_log=r'CDiameterPeer child started', timeout=30)
        setattr(self, role, p)
        return p

    def wait_peer_open(self, host, timeout=30):
        """Wait until the DRA has the CSCF's connection open (CER/CEA done)."""
        pat = r"'STATE_OPEN'\s+'%s'" % re.escape(host)
        self.dra.wait_log(pat, timeout=timeout)

    def hss_serves_cx(self):
        """Does our HSS answer Cx? A UAR straight to it (not through the DRA) from a probe
        client: an HSS without Cx refuses the application (3007 APPLICATION_UNSUPPORTED, or
        freeDiameter's local 3002 because its CEA lists no Cx); any Cx answer (success or a Cx
        error such as 5001 USER_UNKNOWN) means it serves Cx. Returns (bool, what it answered)."""
        u = DIGEST_USER
        # --port: dclient without a listener finds no local address in a network namespace
        # holding only lo ("Unable to find the address(es) of the local system").
        r = self.h.dclient('--realm', REALM, '--dest-realm', REALM, '--port', PORT_PROBE,
                           'uar', '--impi', u.impi, '--impu', u.impu,
                           '--visited-network', DOMAIN, peer=PORT_HSS, peer_host=HSS_HOST,
                           identity=PROBE_HOST, timeout_ms=3000)
        if r.rc == 3 or not r.answer:
            return False, 'no answer to a UAR (dclient rc %s: %s)' % (r.rc, r.stderr.strip()[-200:])
        rc, exp = r.answer.get('result_code'), r.answer.get('experimental_result')
        if exp is None and rc in (3001, 3002, 3007):
            return False, 'UAR answered %s %s' % (rc, r.answer.get('result') or '')
        return True, 'UAR answered %s' % (('Experimental-Result %s' % exp['code']) if exp else rc)

    def start(self, capture=True):
        """The whole bed: capture, HSS (provisioned), DRA, S-CSCF, I-CSCF. When the HSS does
        not serve Cx, `dclient echo` takes its identity and port (self.backend 'echo', the
        reason in self.cx_reason); else self.backend is 'hss'. Returns when both CSCFs have
        their Diameter connection to the DRA open."""
        if capture:
            self.start_capture()
        self.start_hss()
        self.provision()
        served, self.cx_reason = self.hss_serves_cx()
        self.backend = 'hss' if served else 'echo'
        if not served:
            self.hss.stop()
            self.start_echo()
        self.start_dra()
        self.start_kamailio('scscf')
        self.start_kamailio('icscf')
        # cdp (5.6.3) sometimes sends its first CER without Host-IP-Address (I_Snd_CER's
        # getsockname runs in a process that does not own the socket); freeDiameter refuses
        # it and cdp retries after Tc (2 s here). See KAMAILIO.md.
        self.wait_peer_open(SCSCF_HOST, timeout=40)
        self.wait_peer_open(ICSCF_HOST, timeout=40)
        return self.backend

    # -- UE -------------------------------------------------------------------------------
    def sipp(self, scenario, user, timeout=30, extra=()):
        """Run one sipp call of SCENARIO.xml.in for USER against the I-CSCF; returns a
        SippResult (rc 0: every expected response came). An AKA user's first REGISTER carries
        empty credentials naming its IMPI and AKAv1-MD5 (FIRST_AUTH), as a 3GPP UE does."""
        name = '%s-%d' % (scenario, len(self.sipp_runs))
        values = {'DOMAIN': DOMAIN, 'IMPU': user.impu, 'IMPI': user.impi, 'VISITED': DOMAIN,
                  'CONTACT_USER': user.impu.split(':', 1)[1].split('@')[0], 'FIRST_AUTH': ''}
        if user.k:
            values['FIRST_AUTH'] = ('Authorization: Digest username="%s", realm="%s", nonce="", '
                                    'uri="sip:%s", response="", algorithm=AKAv1-MD5' % (user.impi, DOMAIN, DOMAIN))
        if user.password:
            values['PASSWORD'] = user.password
        if user.k:
            values.update({'K': user.k, 'OP': user.op, 'AMF': user.amf})
        xml = self.h.write('ims/%s.xml' % name, fill(scenario + '.xml.in', values))
        msg_file = os.path.join(self.dir, name + '-messages.log')
        err_file = os.path.join(self.dir, name + '-errors.log')
        argv = ['sipp', '127.0.0.1:%d' % PORT_ICSCF_SIP, '-sf', xml, '-m', '1', '-i', '127.0.0.1',
                '-p', str(PORT_UE), '-t', 'u1', '-nostdin', '-timeout', '%ds' % timeout, '-timeout_error',
                '-trace_msg', '-message_file', msg_file, '-trace_err', '-error_file', err_file] + list(extra)
        try:
            cp = subprocess.run(argv, capture_output=True, text=True, timeout=timeout + 15, cwd=self.dir)
            rc, out, err = cp.returncode, cp.stdout, cp.stderr
        except subprocess.TimeoutExpired as e:
            rc, out, err = None, str(e.stdout or ''), str(e.stderr or '')
        r = SippResult(name, rc, out, err, _read(msg_file), _read(err_file))
        self.sipp_runs.append(r)
        return r

    # -- capture --------------------------------------------------------------------------
    def start_capture(self):
        if not shutil.which('tshark'):
            return None
        self.capture_file = os.path.join(self.dir, 'ims.pcapng')
        p = harness.Proc(self.h, 'tshark', ['tshark', '-n', '-i', 'lo', '-f', CAPTURE_FILTER,
                                             '-w', self.capture_file])
        self.h.procs.append(p)
        # tshark takes seconds to start, many on a loaded 2-core machine.
        end = time.monotonic() + 60
        while time.monotonic() < end:
            if 'Capturing on' in p.stderr():
                self.capture = p
                return p
            if not p.running():
                break
            time.sleep(0.1)
        print('no capture (wire checks will be skipped): tshark did not start capturing on lo: %s'
              % p.stderr().strip()[-300:])
        p.stop()
        return None

    def stop_capture(self):
        """Stop tshark (the file is then complete); returns the capture path or None."""
        if not self.capture:
            return None
        time.sleep(0.5)
        self.capture.stop()
        return self.capture_file

    def tshark(self, *args):
        cp = subprocess.run(['tshark', '-n', '-r', self.capture_file] + DECODE_AS + list(args),
                            capture_output=True, text=True)
        if cp.returncode != 0:
            self.h.fail('tshark %s failed: %s' % (' '.join(args), cp.stderr[-2000:]))
        return cp.stdout

    def diameter_messages(self):
        """[(frame, src_port, dst_port, cmd_code, is_request, origin_host)] of the capture."""
        out = self.tshark('-Y', 'diameter', '-T', 'fields', '-E', 'occurrence=f', '-e', 'frame.number',
                          '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'diameter.cmd.code',
                          '-e', 'diameter.flags.request', '-e', 'diameter.Origin-Host')
        msgs = []
        for line in out.splitlines():
            f = line.split('\t')
            if len(f) < 6 or not f[3]:
                continue
            # One TCP segment may carry several messages: tshark lists their codes comma-joined.
            codes = f[3].split(',')
            reqs = f[4].split(',')
            for i, code in enumerate(codes):
                req = reqs[i] if i < len(reqs) else reqs[-1]
                msgs.append((int(f[0]), int(f[1]), int(f[2]), int(code), req in ('1', 'True'), f[5]))
        return msgs

    def wire_problems(self):
        """Malformed packets and Diameter/SIP expert warnings or errors in the capture."""
        problems = []
        # Kamailio's S-CSCF adds its proprietary Call-ID AVP (code 494, vendor 50, M bit clear;
        # ims_registrar_scscf send_vs_callid_avp, on by default) to every SAR; tshark warns
        # about that unknown AVP and vendor. Those two warnings, on such frames, are expected.
        vs_callid = 'diameter.avp.code == 494 && diameter.avp.vendorId == 50'
        bad = self.tshark('-Y', '(diameter || sip) && (_ws.malformed || _ws.expert.severity >= %d) && !(%s)'
                          % (EXPERT_WARN, vs_callid), '-V')
        if bad.strip():
            problems.append('malformed or expert warning/error (tshark -V):\n' + bad[-20000:])
        allowed = ('Unknown AVP 494 (vendor=', 'Unknown Vendor, if you know whose this is')
        msgs = self.tshark('-Y', '(%s) && (_ws.malformed || _ws.expert.severity >= %d)' % (vs_callid, EXPERT_WARN),
                           '-T', 'fields', '-E', 'aggregator=\t', '-e', '_ws.expert.message')
        other = [m for m in msgs.replace('\n', '\t').split('\t') if m.strip() and not m.startswith(allowed)]
        if other:
            problems.append('expert warnings in SARs beyond the Call-ID AVP: %s' % sorted(set(other)))
        # Route-Record belongs in requests; the DRA must not pass on the one freeDiameter adds
        # to every answer it receives.
        rr = self.tshark('-Y', 'diameter.flags.request == 0 && diameter.Route-Record', '-T', 'fields',
                         '-e', 'frame.number')
        if rr.strip():
            problems.append('answers carrying Route-Record: frames ' + ' '.join(rr.split()))
        return problems

    def dump(self, f=sys.stdout):
        """The UE's side of each sipp run (messages and errors) for a failure report."""
        for r in self.sipp_runs:
            f.write('----- sipp %s (rc %s)\n' % (r.name, r.rc))
            for label, text in (('stdout', r.stdout), ('stderr', r.stderr), ('messages', r.messages),
                                ('errors', r.errors)):
                if text and text.strip():
                    f.write('--- %s\n%s\n' % (label, text[-12000:]))


def _read(path):
    try:
        with open(path, errors='replace') as f:
            return f.read()
    except OSError:
        return ''


def ims_yaml():
    """The two users as IMS subscriptions (hssctl ims-import): DIGEST_USER with SIP Digest as
    its default scheme (its first MAR asks for "unknown") and its HA1 only (no password in
    the database), AKA_USER linked to its S6a subscriber (one USIM: same K, OPc and SQN);
    each IMPU in one service profile with an iFC, so the User-Data carries the full
    structure Kamailio validates."""
    d, a = DIGEST_USER, AKA_USER
    return ('id: alice\n'
            'private_identities:\n'
            '  - identity: %s\n'
            '    auth_schemes: [sip-digest]\n'
            '    digest_realm: %s\n'
            '    digest_ha1: %s\n'
            'public_identities:\n'
            '  - {identity: "%s", service_profile: voice}\n'
            'service_profiles:\n'
            '  - name: voice\n'
            '    subscribed_media_profile_id: 0\n'
            '    ifcs:\n'
            '      - priority: 0\n'
            '        trigger: {spts: [{method: MESSAGE}]}\n'
            '        application_server: {server_name: "sip:as.%s", default_handling: session_continued}\n'
            '---\n'
            'id: aka-user\n'
            'private_identities:\n'
            '  - identity: %s\n'
            '    auth_schemes: [digest-akav1-md5]\n'
            '    imsi: "%s"\n'
            'public_identities:\n'
            '  - {identity: "%s", service_profile: voice}\n'
            'service_profiles:\n'
            '  - name: voice\n'
            '    ifcs: [{priority: 0, application_server: {server_name: "sip:as.%s"}}]\n'
            'msisdns: ["%s"]\n'
            % (d.impi, DOMAIN, d.ha1(), d.impu, DOMAIN, a.impi, a.imsi, a.impu, DOMAIN, a.msisdn))


def PROVISION_IMS(bed):
    """Provision DIGEST_USER and AKA_USER with hssctl's IMS commands (ims_yaml)."""
    path = bed.h.write('ims/subscriptions.yaml', ims_yaml())
    bed.hssctl('ims-import', path)
