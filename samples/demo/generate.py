#!/usr/bin/env python3
"""Regenerate the VpcSecTools demo network and a day of its VPC flow logs.

Everything under aws_configs/, flowlogs/ and expected.json is written by this script:

    python3 generate.py [IP_RANGES_JSON]     # regenerate, then validate
    python3 generate.py --check              # validate what is on disk, write nothing

Deterministic: stdlib only, fixed seeds, ids derived from names, gzip with mtime=0, so two runs
produce byte-identical files. The ip-ranges file defaults to ../../tests/fixtures/ip-ranges/ip-ranges-2026-08-22.json
when present, else /work/shared/data/ip-ranges-2026-08-22.json. It supplies the AWS-managed
prefix-list entries and proves that every AWS address used in the flow logs belongs to the
service (S3, DYNAMODB, AMAZON, EC2) the demo says it does.

The JSON is the AWS CLI's output of the describe calls (botocore EC2 model member names),
one file per call in the Batfish `aws_configs/<region>/` layout, plus five wrapper files for
per-parent calls (TransitGateway*Routes/Propagations/Associations, PrefixListEntries).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import ipaddress
import json
import os
import random
import re
import shutil
import sys
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG_DIR = os.path.join(HERE, "aws_configs", "us-east-1")
FLOW_ROOT = os.path.join(HERE, "flowlogs")
EXPECTED = os.path.join(HERE, "expected.json")
IP_RANGES_NAME = "ip-ranges-2026-08-22.json"
IP_RANGES_CANDIDATES = [
    os.path.normpath(os.path.join(HERE, "..", "..", "tests", "fixtures", "ip-ranges", IP_RANGES_NAME)),
    os.path.join(HERE, "..", "..", "..", "shared", "data", IP_RANGES_NAME),
]
BOTOCORE_MODEL_CANDIDATES = [
    "/usr/lib/python3/dist-packages/botocore/data/ec2/2016-11-15/service-2.json",
]


def botocore_model(service: str, version: str) -> str | None:
    """The botocore service model: the Debian package's, else the installed botocore module's (.json or .json.gz)."""
    roots = ["/usr/lib/python3/dist-packages/botocore/data"]
    try:
        import botocore  # noqa: only to find its data folder
        roots.append(os.path.join(os.path.dirname(botocore.__file__), "data"))
    except ImportError:
        pass
    for root in roots:
        for name in ("service-2.json", "service-2.json.gz"):
            path = os.path.join(root, service, version, name)
            if os.path.exists(path):
                return path
    return None

ACCOUNT = "111122223333"
PARTNER_ACCOUNT = "444455556666"
REGION = "us-east-1"
SEED = 20261121
DAY = datetime(2026, 11, 21, tzinfo=timezone.utc)
DAY0 = int(DAY.timestamp())

AZS = {"a": ("us-east-1a", "use1-az1"), "b": ("us-east-1b", "use1-az2"), "c": ("us-east-1c", "use1-az4")}
PROD_V6 = "2600:1f18:4a3c:7e00::/56"
S3_PL = "pl-63a5400a"        # AWS-managed com.amazonaws.us-east-1.s3 (the real us-east-1 id)
DDB_PL = "pl-02cd2c6b"       # AWS-managed com.amazonaws.us-east-1.dynamodb (the real us-east-1 id)

FLOW_FIELDS = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
               "start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr "
               "pkt-dstaddr region az-id pkt-src-aws-service pkt-dst-aws-service flow-direction "
               "traffic-path").split()
FLOW_FORMAT = " ".join("${%s}" % f for f in FLOW_FIELDS)
DEFAULT_FORMAT = ("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
                  "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}")


# ───────────────────────────── ids, names, small helpers ─────────────────────────────

def digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def rid(prefix: str, key: str) -> str:
    """A realistic 17-hex-digit id ('0' + 16 hex), stable for a given (prefix, key)."""
    return f"{prefix}-0{digest(prefix, key)[:16]}"


def hexn(key: str, n: int) -> str:
    return digest("hex", key)[:n]


def mac(key: str) -> str:
    b = bytes.fromhex(digest("mac", key)[:10])
    return "0e:" + ":".join(f"{x:02x}" for x in b)


def uuid_of(key: str) -> str:
    x = digest("uuid", key)
    return f"{x[:8]}-{x[8:12]}-4{x[13:16]}-a{x[17:20]}-{x[20:32]}"


def tags(name: str, **extra: str) -> list:
    t = [{"Key": "Name", "Value": name}]
    t += [{"Key": k, "Value": v} for k, v in sorted(extra.items())]
    return t


def when(s: str) -> str:
    """AWS CLI timestamp text as in the Batfish captures: '2025-03-04 10:11:12+00:00'."""
    return s + "+00:00"


def priv_dns(ip: str) -> str:
    return "ip-" + ip.replace(".", "-") + ".ec2.internal"


def pub_dns(ip: str) -> str:
    return "ec2-" + ip.replace(".", "-") + ".compute-1.amazonaws.com"


def v6_host(subnet64: str, key: str) -> str:
    net = ipaddress.ip_network(subnet64)
    return str(net.network_address + int(digest("v6", key)[:16], 16))


# ───────────────────────────── ip-ranges ─────────────────────────────

SERVICE_RANK = {"AMAZON": 0, "EC2": 1}   # every other service is more specific than EC2


class IpRanges:
    def __init__(self, path: str):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        self.path = path
        self.sync_token = doc.get("syncToken")
        self.v4 = [(ipaddress.ip_network(p["ip_prefix"]), p) for p in doc["prefixes"]]
        self.v6 = [(ipaddress.ip_network(p["ipv6_prefix"]), p) for p in doc.get("ipv6_prefixes", [])]
        self._cache: dict = {}

    def lookup(self, ip: str):
        """(service, region) by longest prefix, then most specific service; None if not AWS."""
        if ip in self._cache:
            return self._cache[ip]
        a = ipaddress.ip_address(ip)
        table = self.v4 if a.version == 4 else self.v6
        hits = [(n.prefixlen, p) for n, p in table if a in n]
        res = None
        if hits:
            longest = max(h[0] for h in hits)
            best = [p for l, p in hits if l == longest]
            best.sort(key=lambda p: (SERVICE_RANK.get(p["service"], 2), p["service"]), reverse=True)
            res = (best[0]["service"], best[0]["region"])
        self._cache[ip] = res
        return res

    def service(self, ip: str) -> str:
        r = self.lookup(ip)
        return r[0] if r else "-"

    def prefixes(self, service: str, region: str) -> list:
        out = sorted({str(n) for n, p in self.v4 if p["service"] == service and p["region"] == region},
                     key=lambda c: ipaddress.ip_network(c))
        return out


def find_ip_ranges(arg: str | None) -> str:
    if arg:
        return arg
    for c in IP_RANGES_CANDIDATES:
        if os.path.exists(c):
            return c
    sys.exit(f"ip-ranges file not found; looked in {IP_RANGES_CANDIDATES}")


# ───────────────────────────── the network ─────────────────────────────
# Everything is keyed by a short name; ids come from rid(prefix, name).

VPCS = {
    "prod": dict(cidr="10.0.0.0/16", name="prod", created="2023-04-11 09:20:31"),
    "shared": dict(cidr="10.100.0.0/16", name="shared-services", created="2022-10-03 14:02:17"),
}
PARTNER_VPC_ID = "vpc-0" + digest("partner-vpc")[:16]   # another account's VPC (pending peering)

# key: (vpc, az, cidr, ipv6 /64 or None, Name, tier)
SUBNETS = {
    "pub-a": ("prod", "a", "10.0.0.0/24", "2600:1f18:4a3c:7e00::/64", "prod-public-a", "public"),
    "pub-b": ("prod", "b", "10.0.1.0/24", "2600:1f18:4a3c:7e01::/64", "prod-public-b", "public"),
    "pub-c": ("prod", "c", "10.0.2.0/24", "2600:1f18:4a3c:7e02::/64", "prod-public-c", "public"),
    "app-a": ("prod", "a", "10.0.10.0/24", "2600:1f18:4a3c:7e0a::/64", "prod-app-a", "app"),
    "app-b": ("prod", "b", "10.0.11.0/24", "2600:1f18:4a3c:7e0b::/64", "prod-app-b", "app"),
    "app-c": ("prod", "c", "10.0.12.0/24", "2600:1f18:4a3c:7e0c::/64", "prod-app-c", "app"),
    "db-a": ("prod", "a", "10.0.20.0/24", None, "prod-db-a", "db"),
    "db-b": ("prod", "b", "10.0.21.0/24", None, "prod-db-b", "db"),
    "db-c": ("prod", "c", "10.0.22.0/24", None, "prod-db-c", "db"),
    # a batch subnet made later by copying the app tables' IPv4 routes and sending ::/0 to the IGW: private over IPv4,
    # public over IPv6 (the route-parity finding); no interface in it yet
    "batch-b": ("prod", "b", "10.0.13.0/24", "2600:1f18:4a3c:7e0d::/64", "prod-batch-b", "batch"),
    "sh-a": ("shared", "a", "10.100.1.0/24", None, "shared-services-a", "shared"),
    "sh-b": ("shared", "b", "10.100.2.0/24", None, "shared-services-b", "shared"),
}

# Public addresses: every one of them is asserted to be EC2 us-east-1 space in ip-ranges.
PUBLIC = {
    "bastion": "3.230.55.17",        # auto-assigned (IpOwnerId amazon)
    "legacy": "54.145.9.200",        # Elastic IP
    "nat-a": "44.207.13.88",         # Elastic IP
    "nat-b": "52.5.140.21",          # Elastic IP
    "alb-a": "34.200.17.4",          # ALB node addresses (IpOwnerId amazon-elb)
    "alb-b": "52.203.66.120",
    "alb-c": "18.233.40.91",
    "vpn-t1": "3.213.18.141",        # VPN tunnel outside addresses (AWS side)
    "vpn-t2": "52.0.113.20",
}

OFFICE_HQ = "203.0.113.10"
OFFICE_PL_ENTRIES = [("203.0.113.0/28", "HQ egress NAT"), ("198.51.100.128/28", "Branch office egress")]
CGW_IP = "198.51.100.77"
ONPREM = "172.16.0.0/12"


def SG(key):
    return rid("sg", key)


def SUB(key):
    return rid("subnet", key)


def VPC(key):
    return rid("vpc", key)


def ENI(key):
    return rid("eni", key)


def INST(key):
    return rid("i", key)


IDS = {
    "igw": rid("igw", "prod"), "eigw": rid("eigw", "prod"),
    "nat-a": rid("nat", "nat-a"), "nat-b": rid("nat", "nat-b"),
    "vpce-s3": rid("vpce", "s3"), "vpce-ssm": rid("vpce", "ssm"),
    "pcx": rid("pcx", "prod-shared"), "pcx-partner": rid("pcx", "prod-partner"),
    "tgw": rid("tgw", "core"), "tgw-rtb": rid("tgw-rtb", "core"),
    "att-vpc": rid("tgw-attach", "prod-vpc"), "att-vpn": rid("tgw-attach", "onprem-vpn"),
    "vpn": rid("vpn", "onprem"), "cgw": rid("cgw", "onprem"), "vgw": rid("vgw", "old"),
    "pl-office": rid("pl", "office-egress"),
    "fl-prod": rid("fl", "prod"), "fl-shared": rid("fl", "shared"),
    "rtb-pub": rid("rtb", "prod-public"), "rtb-app-a": rid("rtb", "prod-app-a"),
    "rtb-app-b": rid("rtb", "prod-app-b"), "rtb-app-c": rid("rtb", "prod-app-c"),
    "rtb-db": rid("rtb", "prod-db"), "rtb-main": rid("rtb", "prod-main"), "rtb-batch": rid("rtb", "prod-batch"),
    "rtb-shared": rid("rtb", "shared-main"),
    "acl-prod-default": rid("acl", "prod-default"), "acl-db": rid("acl", "prod-db"),
    "acl-shared-default": rid("acl", "shared-default"),
    "alb": hexn("alb", 16), "nlb": hexn("nlb", 16),
    "fs": rid("fs", "prod-shared-files"),
}
for k in ("nat-a", "nat-b", "legacy"):
    IDS["eipalloc-" + k] = rid("eipalloc", k)
    IDS["eipassoc-" + k] = rid("eipassoc", k)


# ── security groups ──

def perm(proto, lo=None, hi=None, cidrs=(), v6=(), groups=(), pls=()):
    """One IpPermission. Items are values or (value, description); groups may carry a pcx key."""
    def split(x):
        return (x, None) if isinstance(x, str) else (x[0], x[1])
    p = {}
    if lo is not None:
        p["FromPort"] = lo
    p["IpProtocol"] = proto
    p["IpRanges"] = []
    for c in cidrs:
        v, d = split(c)
        p["IpRanges"].append({"CidrIp": v, **({"Description": d} if d else {})})
    p["Ipv6Ranges"] = []
    for c in v6:
        v, d = split(c)
        p["Ipv6Ranges"].append({"CidrIpv6": v, **({"Description": d} if d else {})})
    p["PrefixListIds"] = []
    for c in pls:
        v, d = split(c)
        p["PrefixListIds"].append({"PrefixListId": v, **({"Description": d} if d else {})})
    if hi is not None:
        p["ToPort"] = hi
    p["UserIdGroupPairs"] = []
    for g in groups:
        key, d, pcx = (g + (None, None))[:3] if isinstance(g, tuple) else (g, None, None)
        pair = {}
        if d:
            pair["Description"] = d
        pair["GroupId"] = SG(key)
        if pcx:
            pair["PeeringStatus"] = "active"
        pair["UserId"] = ACCOUNT
        if pcx:
            pair["VpcId"] = VPC(SG_DEFS[key][0])
            pair["VpcPeeringConnectionId"] = IDS[pcx]
        p["UserIdGroupPairs"].append(pair)
    return p


EGRESS_ALL_V4 = lambda: perm("-1", cidrs=["0.0.0.0/0"])
EGRESS_ALL_DUAL = lambda: perm("-1", cidrs=["0.0.0.0/0"], v6=["::/0"])

# key: (vpc, GroupName, Description, purpose)
SG_DEFS = {
    "prod-default": ("prod", "default", "default VPC security group", "VPC default group; on the EFS mount targets and on app-1/app-2 so they can mount EFS"),
    "alb": ("prod", "prod-alb-sg", "Public ALB", "internet-facing ALB: 80/443 from anywhere (IPv4 and IPv6)"),
    "app": ("prod", "prod-app-sg", "Application servers", "app instances and the ECS host"),
    "db": ("prod", "prod-db-sg", "PostgreSQL (RDS)", "RDS primary, standby and reporting replica; restricted egress"),
    "bastion": ("prod", "prod-bastion-sg", "SSH bastion", "bastion: SSH from the HQ office /32"),
    "office-https": ("prod", "prod-office-https-sg", "Admin web UI from office egress ranges", "references the customer-managed prefix list office-egress"),
    "legacy": ("prod", "legacy-admin", "legacy admin access - do not use", "the old admin box: SSH/RDP from 0.0.0.0/0, 8080 from ::/0 only"),
    "lambda": ("prod", "prod-lambda-sg", "Lambda functions in the VPC", "Lambda hyperplane ENIs; no inbound"),
    "endpoints": ("prod", "prod-endpoints-sg", "Interface VPC endpoints", "SSM interface endpoint ENIs: 443 from the VPC"),
    "cache": ("prod", "prod-cache-sg", "ElastiCache Redis", "Redis: 6379 from app; no outbound rules at all"),
    "unused": ("prod", "prod-old-migration-sg", "DMS migration 2024 (decommissioned)", "attached to nothing, referenced by nothing"),
    "shared-default": ("shared", "default", "default VPC security group", "shared VPC default group (unattached)"),
    "monitoring": ("shared", "shared-monitoring-sg", "Prometheus / Grafana", "monitoring host"),
    "directory": ("shared", "shared-directory-sg", "AD DS / DNS", "AD/DNS host; LDAP from prod app SG across the peering"),
}


def security_groups() -> list:
    ing = {
        "prod-default": [perm("-1", groups=["prod-default"])],
        "alb": [perm("tcp", 80, 80, cidrs=["0.0.0.0/0"], v6=["::/0"]),
                perm("tcp", 443, 443, cidrs=["0.0.0.0/0"], v6=["::/0"])],
        "app": [perm("tcp", 8080, 8080, groups=[("alb", "ALB to targets")]),
                perm("tcp", 22, 22, groups=[("bastion", "SSH from bastion")]),
                perm("tcp", 443, 443, cidrs=[(ONPREM, "on-prem clients via TGW"), ("10.0.0.0/16", "NLB health checks")]),
                perm("tcp", 9100, 9100, cidrs=[("10.100.0.0/16", "Prometheus node exporter scrape")])],
        "db": [perm("tcp", 5432, 5432,
                    cidrs=[("10.100.0.0/16", "shared-services monitoring"), ("10.0.10.0/24", "app-a (legacy rule)")],
                    groups=[("app", "app servers"), ("lambda", "lambda functions"), ("bastion", "DBA access via bastion")])],
        "bastion": [perm("tcp", 22, 22, cidrs=[(OFFICE_HQ + "/32", "HQ office")])],
        "office-https": [perm("tcp", 443, 443, pls=[(IDS["pl-office"], "office egress ranges")])],
        "legacy": [perm("tcp", 22, 22, cidrs=["0.0.0.0/0"]),
                   perm("tcp", 3389, 3389, cidrs=["0.0.0.0/0"]),
                   perm("tcp", 8080, 8080, v6=[("::/0", "admin console (IPv6 test)")])],
        "lambda": [],
        "endpoints": [perm("tcp", 443, 443, cidrs=[("10.0.0.0/16", "VPC clients")])],
        "cache": [perm("tcp", 6379, 6379, groups=[("app", "app servers")])],
        "unused": [perm("tcp", 3306, 3306, cidrs=["10.0.0.0/16"]),
                   perm("tcp", 5432, 5432, cidrs=[("10.50.0.0/16", "old data centre")])],
        "shared-default": [perm("-1", groups=["shared-default"])],
        "monitoring": [perm("tcp", 443, 443, cidrs=[("10.0.0.0/16", "metrics push from prod")])],
        "directory": [perm("tcp", 53, 53, cidrs=["10.0.0.0/8"]),
                      perm("udp", 53, 53, cidrs=["10.0.0.0/8"]),
                      perm("tcp", 389, 389, groups=[("app", "prod app LDAP", "pcx")]),
                      perm("tcp", 636, 636, groups=[("app", "prod app LDAPS", "pcx")]),
                      perm("tcp", 3389, 3389, groups=[("monitoring", "admin from monitoring host")])],
    }
    eg = {
        "prod-default": [EGRESS_ALL_DUAL()],
        "alb": [EGRESS_ALL_V4()],
        "app": [EGRESS_ALL_DUAL()],
        "db": [perm("tcp", 443, 443, cidrs=[("10.0.0.0/16", "VPC endpoints")]),
               perm("tcp", 5432, 5432, groups=[("db", "replication")])],
        "bastion": [EGRESS_ALL_V4()],
        "office-https": [EGRESS_ALL_V4()],
        "legacy": [EGRESS_ALL_DUAL()],
        "lambda": [EGRESS_ALL_V4()],
        "endpoints": [EGRESS_ALL_V4()],
        "cache": [],
        "unused": [EGRESS_ALL_V4()],
        "shared-default": [EGRESS_ALL_V4()],
        "monitoring": [EGRESS_ALL_V4()],
        "directory": [EGRESS_ALL_V4()],
    }
    out = []
    for key, (vpc, name, desc, _purpose) in SG_DEFS.items():
        g = {"Description": desc, "GroupId": SG(key), "GroupName": name,
             "IpPermissions": ing[key], "IpPermissionsEgress": eg[key], "OwnerId": ACCOUNT,
             "Tags": tags(f"{VPCS[vpc]['name']}-default" if name == "default" else name),
             "VpcId": VPC(vpc)}
        out.append(g)
    return out


# ── network interfaces ──
# kind decides Description / InterfaceType / RequesterId / attachment owner.

ENI_DEFS = [
    # key, subnet, primary ip, kind, groups, extra
    ("bastion", "pub-a", "10.0.0.12", "instance", ["bastion", "office-https"], dict(public="auto")),
    ("nat-a", "pub-a", "10.0.0.93", "nat", [], dict(public="eip", nat="nat-a")),
    ("alb-a", "pub-a", "10.0.0.46", "alb", ["alb"], dict(public="elb")),
    ("nat-b", "pub-b", "10.0.1.168", "nat", [], dict(public="eip", nat="nat-b")),
    ("alb-b", "pub-b", "10.0.1.55", "alb", ["alb"], dict(public="elb")),
    ("legacy", "pub-b", "10.0.1.201", "instance", ["legacy"], dict(public="eip", v6=1)),
    ("alb-c", "pub-c", "10.0.2.190", "alb", ["alb"], dict(public="elb")),
    ("app-1", "app-a", "10.0.10.37", "instance", ["app", "prod-default"], dict(v6=1)),
    ("lambda-a", "app-a", "10.0.10.116", "lambda", ["lambda"], {}),
    ("vpce-ssm-a", "app-a", "10.0.10.160", "vpce", ["endpoints"], {}),
    ("tgw-a", "app-a", "10.0.10.21", "tgw", [], {}),
    ("nlb-a", "app-a", "10.0.10.250", "nlb", [], {}),
    ("efs-a", "app-a", "10.0.10.200", "efs", ["prod-default"], {}),
    ("app-2", "app-b", "10.0.11.84", "instance", ["app", "prod-default"], dict(v6=1, secondary=["10.0.11.85", "10.0.11.86"])),
    ("ecs-1", "app-b", "10.0.11.149", "instance", ["app"], dict(prefixes=["10.0.11.208/28"])),
    ("lambda-b", "app-b", "10.0.11.7", "lambda", ["lambda"], {}),
    ("vpce-ssm-b", "app-b", "10.0.11.160", "vpce", ["endpoints"], {}),
    ("tgw-b", "app-b", "10.0.11.21", "tgw", [], {}),
    ("nlb-b", "app-b", "10.0.11.250", "nlb", [], {}),
    ("efs-b", "app-b", "10.0.11.200", "efs", ["prod-default"], {}),
    ("cache-1", "app-b", "10.0.11.120", "elasticache", ["cache"], {}),
    ("app-3", "app-c", "10.0.12.52", "instance", ["app"], dict(v6=1)),
    ("batch-1", "app-c", "10.0.12.188", "instance", ["app"], {}),
    ("nlb-c", "app-c", "10.0.12.250", "nlb", [], {}),
    ("rds-primary", "db-a", "10.0.20.77", "rds", ["db"], {}),
    ("rds-standby", "db-b", "10.0.21.143", "rds", ["db"], {}),
    ("rds-replica", "db-c", "10.0.22.36", "rds", ["db"], {}),
    ("monitoring", "sh-a", "10.100.1.25", "instance", ["monitoring"], {}),
    ("directory", "sh-b", "10.100.2.10", "instance", ["directory"], {}),
]
NLB_TASK_IP = "10.0.11.210"   # an ECS task address inside ecs-1's delegated /28

# key: (Name, InstanceType, state, platform, launch, purpose)
INSTANCE_DEFS = {
    "bastion": ("prod-bastion", "t3.micro", "running", None, "2025-06-02 08:14:55", "SSH bastion (public IP) + admin web UI for the office"),
    "legacy": ("legacy-admin-01", "t3.medium", "running", "windows", "2021-02-17 16:40:12", "old Windows admin box with an EIP and an IPv6 address"),
    "app-1": ("prod-app-1", "m6i.large", "running", None, "2026-09-14 11:02:40", "app server, AZ a"),
    "app-2": ("prod-app-2", "m6i.large", "running", None, "2026-09-14 11:02:40", "app server, AZ b (two secondary private IPs)"),
    "app-3": ("prod-app-3", "m6i.large", "running", None, "2026-09-14 11:02:41", "app server, AZ c (routes via nat-b, no S3 endpoint)"),
    "ecs-1": ("prod-ecs-host-1", "c6i.xlarge", "running", None, "2026-10-30 07:55:03", "container host with IPv4 prefix delegation 10.0.11.208/28"),
    "batch-1": ("prod-batch-worker-1", "c5.large", "stopped", None, "2026-03-09 22:31:18", "stopped batch worker"),
    "monitoring": ("shared-monitoring-1", "t3.medium", "running", None, "2025-11-20 10:12:09", "Prometheus/Grafana in shared-services"),
    "directory": ("shared-ad-dns-1", "m5.large", "running", "windows", "2024-01-08 13:45:27", "AD DS / DNS in shared-services"),
}
TERMINATED = ("temp-migration", "t3.small", "2026-11-02 09:00:00", "a")


def eni_meta():
    """Per-ENI facts used by both the JSON and the flow generator."""
    meta = {}
    for key, sub, ip, kind, groups, extra in ENI_DEFS:
        vpc, az, cidr, v6net, _n, _t = SUBNETS[sub]
        m = dict(key=key, id=ENI(key), subnet=sub, subnet_id=SUB(sub), vpc=vpc, vpc_id=VPC(vpc),
                 az=AZS[az][0], az_id=AZS[az][1], ip=ip, kind=kind, groups=groups,
                 secondary=extra.get("secondary", []), prefixes=extra.get("prefixes", []),
                 public=extra.get("public"), nat=extra.get("nat"),
                 instance=INST(key) if kind == "instance" else None,
                 v6=[v6_host(v6net, key)] if extra.get("v6") else [])
        m["public_ip"] = PUBLIC.get(key) if m["public"] else None
        meta[key] = m
    return meta


def eni_name(m):
    k = m["key"]
    names = {"instance": INSTANCE_DEFS.get(k, (k,))[0],
             "nat": f"prod-{k} interface", "alb": f"prod-alb {m['az']}", "nlb": f"prod-nlb {m['az']}",
             "lambda": f"lambda prod-orders-processor {m['az']}", "vpce": f"ssm endpoint {m['az']}",
             "tgw": f"tgw attachment {m['az']}", "efs": f"efs prod-shared-files {m['az']}",
             "elasticache": "prod-cache-001", "rds": {"rds-primary": "prod-db (primary)", "rds-standby": "prod-db (standby)",
                                                       "rds-replica": "prod-db-reporting (replica)"}.get(k, k)}
    return names[m["kind"]]


def association(m):
    ip = m["public_ip"]
    if m["public"] == "eip":
        return {"AllocationId": IDS["eipalloc-" + m["key"]], "AssociationId": IDS["eipassoc-" + m["key"]],
                "IpOwnerId": ACCOUNT, "PublicDnsName": pub_dns(ip), "PublicIp": ip}
    owner = "amazon-elb" if m["public"] == "elb" else "amazon"
    return {"IpOwnerId": owner, "PublicDnsName": pub_dns(ip), "PublicIp": ip}


def network_interface(m) -> dict:
    k, kind = m["key"], m["kind"]
    d = {}
    if m["public"]:
        d["Association"] = association(m)
    managed_attach = {"AttachmentId": "ela-attach-" + hexn("ela" + k, 8), "DeleteOnTermination": False,
                      "DeviceIndex": 1, "InstanceOwnerId": "amazon-aws", "Status": "attached"}
    if kind == "instance":
        launch = INSTANCE_DEFS[k][4]
        d["Attachment"] = {"AttachTime": when(launch), "AttachmentId": rid("eni-attach", k), "DeleteOnTermination": True,
                           "DeviceIndex": 0, "InstanceId": m["instance"], "InstanceOwnerId": ACCOUNT,
                           "NetworkCardIndex": 0, "Status": "attached"}
    else:
        if kind == "alb":
            managed_attach["InstanceOwnerId"] = "amazon-elb"
        if kind == "rds":
            managed_attach["InstanceOwnerId"] = "amazon-rds"
        d["Attachment"] = managed_attach
    d["AvailabilityZone"] = m["az"]
    d["Description"] = {
        "instance": "",
        "nat": f"Interface for NAT Gateway {IDS.get(m['nat'] or '', '')}",
        "alb": f"ELB app/prod-alb/{IDS['alb']}",
        "nlb": f"ELB net/prod-nlb/{IDS['nlb']}",
        "lambda": f"AWS Lambda VPC ENI-prod-orders-processor-{uuid_of(k)}",
        "vpce": f"VPC Endpoint Interface {IDS['vpce-ssm']}",
        "tgw": f"Network Interface for Transit Gateway Attachment {IDS['att-vpc']}",
        "efs": f"EFS mount target for {IDS['fs']} ({rid('fsmt', k)})",
        "elasticache": "ElastiCache prod-cache-001",
        "rds": "RDSNetworkInterface",
    }[kind]
    d["Groups"] = [{"GroupId": SG(g), "GroupName": SG_DEFS[g][1]} for g in m["groups"]]
    d["InterfaceType"] = {"nat": "nat_gateway", "nlb": "network_load_balancer", "lambda": "lambda",
                          "vpce": "vpc_endpoint", "tgw": "transit_gateway"}.get(kind, "interface")
    d["Ipv6Addresses"] = [{"Ipv6Address": a} for a in m["v6"]]
    d["MacAddress"] = mac(k)
    d["NetworkInterfaceId"] = m["id"]
    d["OwnerId"] = ACCOUNT
    d["PrivateDnsName"] = priv_dns(m["ip"])
    d["PrivateIpAddress"] = m["ip"]
    pips = []
    for i, ip in enumerate([m["ip"]] + m["secondary"]):
        e = {}
        if i == 0 and m["public"]:
            e["Association"] = association(m)
        e.update({"Primary": i == 0, "PrivateDnsName": priv_dns(ip), "PrivateIpAddress": ip})
        pips.append(e)
    d["PrivateIpAddresses"] = pips
    if m["prefixes"]:
        d["Ipv4Prefixes"] = [{"Ipv4Prefix": p} for p in m["prefixes"]]
    requester = {"nat": "062328495474", "alb": "amazon-elb", "nlb": "489998700648", "vpce": "727180483921",
                 "tgw": "379214558016", "efs": "641247547298", "elasticache": "amazon-elasticache",
                 "rds": "amazon-rds", "lambda": "AROA4EXAMPLEDEMO7LQ2X:prod-orders-processor"}.get(kind)
    if requester:
        d["RequesterId"] = requester
    d["RequesterManaged"] = kind != "instance"
    d["SourceDestCheck"] = kind not in ("nat", "nlb", "tgw")
    d["Status"] = "in-use"
    d["SubnetId"] = m["subnet_id"]
    d["TagSet"] = tags(eni_name(m))
    d["VpcId"] = m["vpc_id"]
    return d


def instance_nic(eni: dict) -> dict:
    """describe-instances' view of an ENI (InstanceNetworkInterface shape)."""
    d = {}
    if "Association" in eni:
        a = eni["Association"]
        d["Association"] = {"IpOwnerId": a["IpOwnerId"], "PublicDnsName": a["PublicDnsName"], "PublicIp": a["PublicIp"]}
    at = eni["Attachment"]
    d["Attachment"] = {k: at[k] for k in ("AttachTime", "AttachmentId", "DeleteOnTermination", "DeviceIndex",
                                          "NetworkCardIndex", "Status")}
    for k in ("Description", "Groups", "Ipv6Addresses", "MacAddress", "NetworkInterfaceId", "OwnerId",
              "PrivateDnsName", "PrivateIpAddress"):
        d[k] = eni[k]
    d["PrivateIpAddresses"] = []
    for p in eni["PrivateIpAddresses"]:
        q = {}
        if "Association" in p:
            a = p["Association"]
            q["Association"] = {"IpOwnerId": a["IpOwnerId"], "PublicDnsName": a["PublicDnsName"], "PublicIp": a["PublicIp"]}
        q.update({"Primary": p["Primary"], "PrivateDnsName": p["PrivateDnsName"], "PrivateIpAddress": p["PrivateIpAddress"]})
        d["PrivateIpAddresses"].append(q)
    for k in ("SourceDestCheck", "Status", "SubnetId", "VpcId", "InterfaceType"):
        d[k] = eni[k]
    if "Ipv4Prefixes" in eni:
        d["Ipv4Prefixes"] = eni["Ipv4Prefixes"]
    return d


def reservations(enis_by_key: dict) -> list:
    out = []
    for k, (name, itype, state, platform, launch, _purpose) in INSTANCE_DEFS.items():
        eni = enis_by_key[k]
        vpc = SUBNETS[ENI_META[k]["subnet"]][0]
        inst = {"AmiLaunchIndex": 0, "Architecture": "x86_64",
                "BlockDeviceMappings": [{"DeviceName": "/dev/sda1" if platform else "/dev/xvda",
                                         "Ebs": {"AttachTime": when(launch), "DeleteOnTermination": True,
                                                 "Status": "attached", "VolumeId": rid("vol", k)}}],
                "BootMode": "uefi" if itype.startswith(("m6i", "c6i")) else "legacy-bios",
                "CapacityReservationSpecification": {"CapacityReservationPreference": "open"},
                "ClientToken": uuid_of("token" + k), "CpuOptions": {"CoreCount": 1 if itype.startswith("t3") else 2, "ThreadsPerCore": 2},
                "EbsOptimized": True, "EnaSupport": True,
                "EnclaveOptions": {"Enabled": False}, "HibernationOptions": {"Configured": False},
                "Hypervisor": "xen"}
        if vpc == "prod" and k not in ("legacy", "bastion"):
            inst["IamInstanceProfile"] = {"Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/prod-app-instance",
                                          "Id": "AIPA" + hexn("iip" + k, 17).upper()}
        inst.update({"ImageId": rid("ami", "win2019" if platform else "al2023"), "InstanceId": INST(k),
                     "InstanceType": itype, "KeyName": "prod-ops" if vpc == "prod" else "shared-ops",
                     "LaunchTime": when(launch),
                     "MaintenanceOptions": {"AutoRecovery": "default"},
                     "MetadataOptions": {"HttpEndpoint": "enabled", "HttpProtocolIpv6": "disabled",
                                         "HttpPutResponseHopLimit": 2,
                                         "HttpTokens": "optional" if k == "legacy" else "required",
                                         "InstanceMetadataTags": "disabled", "State": "applied"},
                     "Monitoring": {"State": "disabled"},
                     "NetworkInterfaces": [instance_nic(eni)],
                     "Placement": {"AvailabilityZone": eni["AvailabilityZone"], "GroupName": "", "Tenancy": "default"}})
        if platform:
            inst["Platform"] = platform
        inst.update({"PlatformDetails": "Windows" if platform else "Linux/UNIX",
                     "PrivateDnsName": eni["PrivateDnsName"],
                     "PrivateDnsNameOptions": {"EnableResourceNameDnsAAAARecord": False,
                                               "EnableResourceNameDnsARecord": False, "HostnameType": "ip-name"},
                     "PrivateIpAddress": eni["PrivateIpAddress"], "ProductCodes": [],
                     "PublicDnsName": eni.get("Association", {}).get("PublicDnsName", "")})
        if "Association" in eni and state == "running":
            inst["PublicIpAddress"] = eni["Association"]["PublicIp"]
        inst.update({"RootDeviceName": "/dev/sda1" if platform else "/dev/xvda", "RootDeviceType": "ebs",
                     "SecurityGroups": eni["Groups"], "SourceDestCheck": True,
                     "State": {"Code": 16, "Name": "running"} if state == "running" else {"Code": 80, "Name": "stopped"}})
        if state == "stopped":
            inst["StateReason"] = {"Code": "Client.UserInitiatedShutdown",
                                   "Message": "Client.UserInitiatedShutdown: User initiated shutdown"}
            inst["StateTransitionReason"] = "User initiated (2026-10-02 14:11:09 GMT)"
        else:
            inst["StateTransitionReason"] = ""
        inst.update({"SubnetId": eni["SubnetId"], "Tags": tags(name), "UsageOperation": "RunInstances:0002" if platform else "RunInstances",
                     "UsageOperationUpdateTime": when(launch), "VirtualizationType": "hvm", "VpcId": eni["VpcId"]})
        out.append({"Groups": [], "Instances": [inst], "OwnerId": ACCOUNT, "ReservationId": rid("r", k)})
    # one terminated instance: no network interfaces, no addresses, no subnet/VPC any more
    tname, ttype, tlaunch, taz = TERMINATED
    out.append({"Groups": [], "Instances": [{
        "AmiLaunchIndex": 0, "Architecture": "x86_64", "BlockDeviceMappings": [],
        "CapacityReservationSpecification": {"CapacityReservationPreference": "open"},
        "ClientToken": uuid_of("token" + tname), "CpuOptions": {"CoreCount": 1, "ThreadsPerCore": 2},
        "EbsOptimized": True, "EnaSupport": True, "HibernationOptions": {"Configured": False}, "Hypervisor": "xen",
        "ImageId": rid("ami", "al2023"), "InstanceId": INST(tname), "InstanceType": ttype, "KeyName": "prod-ops",
        "LaunchTime": when(tlaunch), "Monitoring": {"State": "disabled"}, "NetworkInterfaces": [],
        "Placement": {"AvailabilityZone": AZS[taz][0], "GroupName": "", "Tenancy": "default"},
        "PrivateDnsName": "", "ProductCodes": [], "PublicDnsName": "", "RootDeviceName": "/dev/xvda",
        "RootDeviceType": "ebs", "SecurityGroups": [], "State": {"Code": 48, "Name": "terminated"},
        "StateReason": {"Code": "Client.UserInitiatedShutdown", "Message": "Client.UserInitiatedShutdown: User initiated shutdown"},
        "StateTransitionReason": "User initiated (2026-11-03 17:26:40 GMT)", "Tags": tags(tname),
        "VirtualizationType": "hvm"}], "OwnerId": ACCOUNT, "ReservationId": rid("r", tname)})
    return out


# ── VPCs, subnets, gateways ──

def vpcs() -> list:
    out = []
    for key, v in VPCS.items():
        d = {"CidrBlock": v["cidr"],
             "CidrBlockAssociationSet": [{"AssociationId": rid("vpc-cidr-assoc", key), "CidrBlock": v["cidr"],
                                          "CidrBlockState": {"State": "associated"}}],
             "DhcpOptionsId": rid("dopt", "default"), "InstanceTenancy": "default"}
        if key == "prod":
            d["CidrBlockAssociationSet"].append({"AssociationId": rid("vpc-cidr-assoc", "prod-secondary"),
                                                 "CidrBlock": "10.99.0.0/16",
                                                 "CidrBlockState": {"State": "disassociated"}})
            d["Ipv6CidrBlockAssociationSet"] = [{"AssociationId": rid("vpc-cidr-assoc", "prod-v6"),
                                                 "Ipv6CidrBlock": PROD_V6,
                                                 "Ipv6CidrBlockState": {"State": "associated"},
                                                 "Ipv6Pool": "Amazon", "NetworkBorderGroup": REGION}]
        d.update({"IsDefault": False, "OwnerId": ACCOUNT, "State": "available", "Tags": tags(v["name"]), "VpcId": VPC(key)})
        out.append(d)
    return out


def used_addresses(sub_key) -> int:
    n = 0
    for m in ENI_META.values():
        if m["subnet"] == sub_key:
            n += 1 + len(m["secondary"]) + sum(ipaddress.ip_network(p).num_addresses for p in m["prefixes"])
    return n


def subnets() -> list:
    out = []
    for key, (vpc, az, cidr, v6, name, tier) in SUBNETS.items():
        size = ipaddress.ip_network(cidr).num_addresses
        d = {"AssignIpv6AddressOnCreation": False, "AvailabilityZone": AZS[az][0], "AvailabilityZoneId": AZS[az][1],
             "AvailableIpAddressCount": size - 5 - used_addresses(key), "CidrBlock": cidr, "DefaultForAz": False,
             "EnableDns64": False, "Ipv6CidrBlockAssociationSet": [], "Ipv6Native": False,
             "MapCustomerOwnedIpOnLaunch": False, "MapPublicIpOnLaunch": tier == "public", "OwnerId": ACCOUNT,
             "PrivateDnsNameOptionsOnLaunch": {"EnableResourceNameDnsAAAARecord": False,
                                               "EnableResourceNameDnsARecord": False, "HostnameType": "ip-name"},
             "State": "available", "SubnetArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{SUB(key)}",
             "SubnetId": SUB(key), "Tags": tags(name, tier=tier), "VpcId": VPC(vpc)}
        if v6:
            d["Ipv6CidrBlockAssociationSet"] = [{"AssociationId": rid("subnet-cidr-assoc", key), "Ipv6CidrBlock": v6,
                                                 "Ipv6CidrBlockState": {"State": "associated"}}]
        out.append(d)
    return out


def internet_gateways():
    return [{"Attachments": [{"State": "available", "VpcId": VPC("prod")}], "InternetGatewayId": IDS["igw"],
             "OwnerId": ACCOUNT, "Tags": tags("prod-igw")}]


def egress_only_gateways():
    return [{"Attachments": [{"State": "attached", "VpcId": VPC("prod")}],
             "EgressOnlyInternetGatewayId": IDS["eigw"], "Tags": tags("prod-eigw")}]


def nat_gateways():
    out = []
    for k, sub, created in (("nat-a", "pub-a", "2023-04-11 09:41:02"), ("nat-b", "pub-b", "2023-04-11 09:41:05")):
        m = ENI_META[k]
        out.append({"ConnectivityType": "public", "CreateTime": when(created),
                    "NatGatewayAddresses": [{"AllocationId": IDS["eipalloc-" + k], "NetworkInterfaceId": m["id"],
                                             "PrivateIp": m["ip"], "PublicIp": m["public_ip"]}],
                    "NatGatewayId": IDS[k], "State": "available", "SubnetId": SUB(sub),
                    "Tags": tags(f"prod-{k}"), "VpcId": VPC("prod")})
    return out


FULL_ACCESS_POLICY = json.dumps({"Version": "2008-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}, indent=2)


def vpc_endpoints():
    ssm_suffix = hexn("ssm-dns", 8)
    ssm = IDS["vpce-ssm"]
    return [
        {"CreationTimestamp": when("2024-05-21 12:00:41"), "DnsEntries": [], "Groups": [],
         "IpAddressType": "ipv4", "NetworkInterfaceIds": [], "OwnerId": ACCOUNT,
         "PolicyDocument": FULL_ACCESS_POLICY, "PrivateDnsEnabled": False, "RequesterManaged": False,
         "RouteTableIds": [IDS["rtb-app-a"], IDS["rtb-app-b"]],
         "ServiceName": f"com.amazonaws.{REGION}.s3", "State": "Available", "SubnetIds": [],
         "Tags": tags("prod-s3-gateway"), "VpcEndpointId": IDS["vpce-s3"], "VpcEndpointType": "Gateway",
         "VpcId": VPC("prod")},
        {"CreationTimestamp": when("2025-02-12 15:33:19"),
         "DnsEntries": [
             {"DnsName": f"{ssm}-{ssm_suffix}.ssm.{REGION}.vpce.amazonaws.com", "HostedZoneId": "Z7HUB22UULQXV"},
             {"DnsName": f"{ssm}-{ssm_suffix}-{AZS['a'][0]}.ssm.{REGION}.vpce.amazonaws.com", "HostedZoneId": "Z7HUB22UULQXV"},
             {"DnsName": f"{ssm}-{ssm_suffix}-{AZS['b'][0]}.ssm.{REGION}.vpce.amazonaws.com", "HostedZoneId": "Z7HUB22UULQXV"},
             {"DnsName": f"ssm.{REGION}.amazonaws.com", "HostedZoneId": "Z" + hexn("phz", 20).upper()}],
         "DnsOptions": {"DnsRecordIpType": "ipv4"},
         "Groups": [{"GroupId": SG("endpoints"), "GroupName": SG_DEFS["endpoints"][1]}],
         "IpAddressType": "ipv4", "NetworkInterfaceIds": [ENI("vpce-ssm-a"), ENI("vpce-ssm-b")], "OwnerId": ACCOUNT,
         "PolicyDocument": FULL_ACCESS_POLICY, "PrivateDnsEnabled": True, "RequesterManaged": False,
         "RouteTableIds": [], "ServiceName": f"com.amazonaws.{REGION}.ssm", "State": "Available",
         "SubnetIds": [SUB("app-a"), SUB("app-b")], "Tags": tags("prod-ssm"), "VpcEndpointId": ssm,
         "VpcEndpointType": "Interface", "VpcId": VPC("prod")},
    ]


def peering_options():
    return {"AllowDnsResolutionFromRemoteVpc": False, "AllowEgressFromLocalClassicLinkToRemoteVpc": False,
            "AllowEgressFromLocalVpcToRemoteClassicLink": False}


def vpc_peering_connections():
    return [
        {"AccepterVpcInfo": {"CidrBlock": "10.100.0.0/16", "CidrBlockSet": [{"CidrBlock": "10.100.0.0/16"}],
                             "OwnerId": ACCOUNT, "PeeringOptions": peering_options(), "Region": REGION,
                             "VpcId": VPC("shared")},
         "RequesterVpcInfo": {"CidrBlock": "10.0.0.0/16", "CidrBlockSet": [{"CidrBlock": "10.0.0.0/16"}],
                              "Ipv6CidrBlockSet": [{"Ipv6CidrBlock": PROD_V6}],
                              "OwnerId": ACCOUNT, "PeeringOptions": peering_options(), "Region": REGION,
                              "VpcId": VPC("prod")},
         "Status": {"Code": "active", "Message": "Active"}, "Tags": tags("prod-to-shared-services"),
         "VpcPeeringConnectionId": IDS["pcx"]},
        {"AccepterVpcInfo": {"OwnerId": PARTNER_ACCOUNT, "Region": REGION, "VpcId": PARTNER_VPC_ID},
         "ExpirationTime": when("2026-11-27 16:05:44"),
         "RequesterVpcInfo": {"CidrBlock": "10.0.0.0/16", "CidrBlockSet": [{"CidrBlock": "10.0.0.0/16"}],
                              "Ipv6CidrBlockSet": [{"Ipv6CidrBlock": PROD_V6}],
                              "OwnerId": ACCOUNT, "PeeringOptions": peering_options(), "Region": REGION,
                              "VpcId": VPC("prod")},
         "Status": {"Code": "pending-acceptance", "Message": f"Pending Acceptance by {PARTNER_ACCOUNT}"},
         "Tags": tags("prod-to-partner-analytics"), "VpcPeeringConnectionId": IDS["pcx-partner"]},
    ]


# ── route tables ──

def r_local(cidr):
    key = "DestinationIpv6CidrBlock" if ":" in cidr else "DestinationCidrBlock"
    return {key: cidr, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}


def r(dest, **target):
    key = "DestinationPrefixListId" if dest.startswith("pl-") else (
        "DestinationIpv6CidrBlock" if ":" in dest else "DestinationCidrBlock")
    d = {key: dest}
    d.update(target)
    d.update({"Origin": "CreateRoute", "State": "active"})
    return d


def route_tables():
    def assoc(rtb, subs=(), main=False):
        out = []
        if main:
            out.append({"AssociationState": {"State": "associated"}, "Main": True,
                        "RouteTableAssociationId": rid("rtbassoc", rtb + "-main"), "RouteTableId": IDS[rtb]})
        for s in subs:
            out.append({"AssociationState": {"State": "associated"}, "Main": False,
                        "RouteTableAssociationId": rid("rtbassoc", s), "RouteTableId": IDS[rtb], "SubnetId": SUB(s)})
        return out

    local = [r_local("10.0.0.0/16"), r_local(PROD_V6)]
    app_common = [r("::/0", EgressOnlyInternetGatewayId=IDS["eigw"]),
                  r("10.100.0.0/16", VpcPeeringConnectionId=IDS["pcx"]),
                  r(ONPREM, TransitGatewayId=IDS["tgw"]),
                  r("192.168.0.0/16", TransitGatewayId=IDS["tgw"])]
    s3 = r(S3_PL, GatewayId=IDS["vpce-s3"])
    tables = [
        ("rtb-pub", "prod", "prod-public", assoc("rtb-pub", ["pub-a", "pub-b", "pub-c"]),
         local + [r("0.0.0.0/0", GatewayId=IDS["igw"]), r("::/0", GatewayId=IDS["igw"])]),
        ("rtb-app-a", "prod", "prod-app-a", assoc("rtb-app-a", ["app-a"]),
         local + [r("0.0.0.0/0", NatGatewayId=IDS["nat-a"])] + app_common + [s3]),
        ("rtb-app-b", "prod", "prod-app-b", assoc("rtb-app-b", ["app-b"]),
         local + [r("0.0.0.0/0", NatGatewayId=IDS["nat-b"])] + app_common + [s3]),
        ("rtb-app-c", "prod", "prod-app-c", assoc("rtb-app-c", ["app-c"]),
         local + [r("0.0.0.0/0", NatGatewayId=IDS["nat-b"])] + app_common),
        ("rtb-db", "prod", "prod-db", assoc("rtb-db", ["db-a", "db-b"]),
         local + [r("10.100.0.0/16", VpcPeeringConnectionId=IDS["pcx"])]),
        ("rtb-main", "prod", "prod-main", assoc("rtb-main", main=True),
         local + [r(ONPREM, TransitGatewayId=IDS["tgw"])]),
        ("rtb-batch", "prod", "prod-batch", assoc("rtb-batch", ["batch-b"]),
         local + [r("0.0.0.0/0", NatGatewayId=IDS["nat-b"]), r("::/0", GatewayId=IDS["igw"])]),
        ("rtb-shared", "shared", "shared-services-main", assoc("rtb-shared", main=True),
         [r_local("10.100.0.0/16"), r("10.0.0.0/16", VpcPeeringConnectionId=IDS["pcx"])]),
    ]
    return [{"Associations": a, "OwnerId": ACCOUNT, "PropagatingVgws": [], "RouteTableId": IDS[k],
             "Routes": routes, "Tags": tags(name), "VpcId": VPC(vpc)} for k, vpc, name, a, routes in tables]


# ── network ACLs ──

def acl_entry(num, egress, proto, action, cidr=None, v6=None, ports=None):
    e = {}
    if cidr:
        e["CidrBlock"] = cidr
    e["Egress"] = egress
    if v6:
        e["Ipv6CidrBlock"] = v6
    if ports:
        e["PortRange"] = {"From": ports[0], "To": ports[1]}
    e.update({"Protocol": proto, "RuleAction": action, "RuleNumber": num})
    return e


def default_entries(ipv6: bool):
    out = []
    for egress in (True, False):
        out.append(acl_entry(100, egress, "-1", "allow", cidr="0.0.0.0/0"))
        if ipv6:
            out.append(acl_entry(101, egress, "-1", "allow", v6="::/0"))
        out.append(acl_entry(32767, egress, "-1", "deny", cidr="0.0.0.0/0"))
        if ipv6:
            out.append(acl_entry(32768, egress, "-1", "deny", v6="::/0"))
    return out


DB_ACL_ENTRIES = [
    # outbound: responses to the clients only
    acl_entry(100, True, "6", "allow", cidr="10.0.10.0/23", ports=(1024, 65535)),
    acl_entry(110, True, "6", "allow", cidr="10.0.12.0/24", ports=(1024, 65535)),
    acl_entry(120, True, "6", "allow", cidr="10.100.0.0/16", ports=(1024, 65535)),
    acl_entry(32767, True, "-1", "deny", cidr="0.0.0.0/0"),
    acl_entry(32768, True, "-1", "deny", v6="::/0"),
    # inbound (listed out of order on purpose: the API order is not the evaluation order)
    acl_entry(130, False, "6", "allow", cidr="10.0.0.0/16", ports=(5432, 5432)),
    acl_entry(100, False, "6", "allow", cidr="10.0.10.0/23", ports=(5432, 5432)),
    acl_entry(110, False, "6", "allow", cidr="10.0.12.0/24", ports=(5432, 5432)),
    acl_entry(120, False, "6", "allow", cidr="10.100.0.0/16", ports=(5432, 5432)),
    acl_entry(50, False, "-1", "deny", cidr="10.0.0.0/22"),
    acl_entry(140, False, "6", "allow", cidr="10.0.0.0/16", ports=(1024, 65535)),
    acl_entry(32767, False, "-1", "deny", cidr="0.0.0.0/0"),
    acl_entry(32768, False, "-1", "deny", v6="::/0"),
]


def network_acls():
    def assoc(acl, subs):
        return [{"NetworkAclAssociationId": rid("aclassoc", s), "NetworkAclId": IDS[acl], "SubnetId": SUB(s)} for s in subs]
    return [
        {"Associations": assoc("acl-prod-default", ["pub-a", "pub-b", "pub-c", "app-a", "app-b", "app-c", "batch-b"]),
         "Entries": default_entries(True), "IsDefault": True, "NetworkAclId": IDS["acl-prod-default"],
         "OwnerId": ACCOUNT, "Tags": tags("prod-default-acl"), "VpcId": VPC("prod")},
        {"Associations": assoc("acl-db", ["db-a", "db-b", "db-c"]), "Entries": DB_ACL_ENTRIES, "IsDefault": False,
         "NetworkAclId": IDS["acl-db"], "OwnerId": ACCOUNT, "Tags": tags("prod-db-acl"), "VpcId": VPC("prod")},
        {"Associations": assoc("acl-shared-default", ["sh-a", "sh-b"]), "Entries": default_entries(False),
         "IsDefault": True, "NetworkAclId": IDS["acl-shared-default"], "OwnerId": ACCOUNT,
         "Tags": tags("shared-services-default-acl"), "VpcId": VPC("shared")},
    ]


# ── transit gateway, VPN ──

def transit_gateways():
    return [{"CreationTime": when("2024-08-19 10:22:03"), "Description": "core TGW: prod VPC + on-prem VPN",
             "Options": {"AmazonSideAsn": 64512, "AssociationDefaultRouteTableId": IDS["tgw-rtb"],
                         "AutoAcceptSharedAttachments": "disable", "DefaultRouteTableAssociation": "enable",
                         "DefaultRouteTablePropagation": "enable", "DnsSupport": "enable", "MulticastSupport": "disable",
                         "PropagationDefaultRouteTableId": IDS["tgw-rtb"], "VpnEcmpSupport": "enable"},
             "OwnerId": ACCOUNT, "State": "available", "Tags": tags("core-tgw"),
             "TransitGatewayArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:transit-gateway/{IDS['tgw']}",
             "TransitGatewayId": IDS["tgw"]}]


def tgw_attachments():
    common = {"Association": {"State": "associated", "TransitGatewayRouteTableId": IDS["tgw-rtb"]},
              "ResourceOwnerId": ACCOUNT, "State": "available", "TransitGatewayId": IDS["tgw"],
              "TransitGatewayOwnerId": ACCOUNT}
    return [
        dict(common, CreationTime=when("2024-08-19 10:31:44"), ResourceId=VPC("prod"), ResourceType="vpc",
             Tags=tags("core-tgw-prod-vpc"), TransitGatewayAttachmentId=IDS["att-vpc"]),
        dict(common, CreationTime=when("2024-08-20 08:02:13"), ResourceId=IDS["vpn"], ResourceType="vpn",
             Tags=tags("core-tgw-onprem-vpn"), TransitGatewayAttachmentId=IDS["att-vpn"]),
    ]


def tgw_vpc_attachments():
    return [{"CreationTime": when("2024-08-19 10:31:44"),
             "Options": {"ApplianceModeSupport": "disable", "DnsSupport": "enable", "Ipv6Support": "disable"},
             "State": "available", "SubnetIds": [SUB("app-a"), SUB("app-b")], "Tags": tags("core-tgw-prod-vpc"),
             "TransitGatewayAttachmentId": IDS["att-vpc"], "TransitGatewayId": IDS["tgw"], "VpcId": VPC("prod"),
             "VpcOwnerId": ACCOUNT}]


def tgw_route_tables():
    return [{"CreationTime": when("2024-08-19 10:22:05"), "DefaultAssociationRouteTable": True,
             "DefaultPropagationRouteTable": True, "State": "available", "Tags": tags("core-tgw-default"),
             "TransitGatewayId": IDS["tgw"], "TransitGatewayRouteTableId": IDS["tgw-rtb"]}]


def tgw_items():
    att = [("vpc", VPC("prod"), IDS["att-vpc"]), ("vpn", IDS["vpn"], IDS["att-vpn"])]
    props = [{"ResourceId": res, "ResourceType": t, "State": "enabled", "TransitGatewayAttachmentId": a} for t, res, a in att]
    assocs = [{"ResourceId": res, "ResourceType": t, "State": "associated", "TransitGatewayAttachmentId": a} for t, res, a in att]
    static = [{"DestinationCidrBlock": "192.168.0.0/16", "State": "blackhole", "Type": "static"}]
    propagated = [
        {"DestinationCidrBlock": "10.0.0.0/16", "State": "active",
         "TransitGatewayAttachments": [{"ResourceId": VPC("prod"), "ResourceType": "vpc", "TransitGatewayAttachmentId": IDS["att-vpc"]}],
         "Type": "propagated"},
        {"DestinationCidrBlock": ONPREM, "State": "active",
         "TransitGatewayAttachments": [{"ResourceId": IDS["vpn"], "ResourceType": "vpn", "TransitGatewayAttachmentId": IDS["att-vpn"]}],
         "Type": "propagated"},
    ]
    rtb = IDS["tgw-rtb"]
    return {
        "TransitGatewayPropagations": [{"TransitGatewayRouteTableId": rtb, "TransitGatewayRouteTablePropagations": props}],
        "TransitGatewayRouteTableAssociations": [{"Associations": assocs, "TransitGatewayRouteTableId": rtb}],
        "TransitGatewayStaticRoutes": [{"AdditionalRoutesAvailable": False, "Routes": static, "TransitGatewayRouteTableId": rtb}],
        "TransitGatewayPropagatedRoutes": [{"AdditionalRoutesAvailable": False, "Routes": propagated, "TransitGatewayRouteTableId": rtb}],
    }


def vpn_connections():
    tunnels = [(PUBLIC["vpn-t1"], "169.254.10.0/30"), (PUBLIC["vpn-t2"], "169.254.11.0/30")]
    return [{"Category": "VPN", "CustomerGatewayId": IDS["cgw"], "GatewayAssociationState": "associated",
             "Options": {"EnableAcceleration": False, "LocalIpv4NetworkCidr": "0.0.0.0/0",
                         "OutsideIpAddressType": "PublicIpv4", "RemoteIpv4NetworkCidr": "0.0.0.0/0",
                         "StaticRoutesOnly": False, "TunnelInsideIpVersion": "ipv4",
                         "TunnelOptions": [{"OutsideIpAddress": o, "TunnelInsideCidr": c} for o, c in tunnels]},
             "Routes": [], "State": "available", "Tags": tags("onprem-dc1-vpn"), "TransitGatewayId": IDS["tgw"],
             "Type": "ipsec.1",
             "VgwTelemetry": [{"AcceptedRouteCount": 1, "LastStatusChange": when(t), "OutsideIpAddress": o,
                               "Status": "UP", "StatusMessage": "1 BGP ROUTES"}
                              for (o, _c), t in zip(tunnels, ("2026-11-19 03:12:40", "2026-11-20 22:47:05"))],
             "VpnConnectionId": IDS["vpn"]}]


def customer_gateways():
    return [{"BgpAsn": "65010", "CustomerGatewayId": IDS["cgw"], "DeviceName": "dc1-edge-fw", "IpAddress": CGW_IP,
             "State": "available", "Tags": tags("onprem-dc1"), "Type": "ipsec.1"}]


def vpn_gateways():
    # a leftover VGW, detached from prod when the TGW replaced it
    return [{"AmazonSideAsn": 64512, "State": "available", "Tags": tags("prod-vgw-old"), "Type": "ipsec.1",
             "VpcAttachments": [{"State": "detached", "VpcId": VPC("prod")}], "VpnGatewayId": IDS["vgw"]}]


def prefix_lists(ipr: IpRanges):
    return [
        {"AddressFamily": "IPv4", "MaxEntries": 10, "OwnerId": ACCOUNT,
         "PrefixListArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:prefix-list/{IDS['pl-office']}",
         "PrefixListId": IDS["pl-office"], "PrefixListName": "office-egress", "State": "create-complete",
         "Tags": tags("office-egress"), "Version": 2},
        {"AddressFamily": "IPv4", "OwnerId": "AWS", "PrefixListArn": f"arn:aws:ec2:{REGION}:aws:prefix-list/{S3_PL}",
         "PrefixListId": S3_PL, "PrefixListName": f"com.amazonaws.{REGION}.s3", "State": "create-complete", "Tags": []},
        {"AddressFamily": "IPv4", "OwnerId": "AWS", "PrefixListArn": f"arn:aws:ec2:{REGION}:aws:prefix-list/{DDB_PL}",
         "PrefixListId": DDB_PL, "PrefixListName": f"com.amazonaws.{REGION}.dynamodb", "State": "create-complete", "Tags": []},
    ]


def prefix_list_entries(ipr: IpRanges):
    return [
        {"Entries": [{"Cidr": c, "Description": d} for c, d in OFFICE_PL_ENTRIES], "PrefixListId": IDS["pl-office"]},
        {"Entries": [{"Cidr": c} for c in ipr.prefixes("S3", REGION)], "PrefixListId": S3_PL},
        {"Entries": [{"Cidr": c} for c in ipr.prefixes("DYNAMODB", REGION)], "PrefixListId": DDB_PL},
    ]


def flow_logs():
    return [
        {"CreationTime": when("2025-01-07 18:44:21"), "DeliverLogsStatus": "SUCCESS",
         "DestinationOptions": {"FileFormat": "plain-text", "HiveCompatiblePartitions": False, "PerHourPartition": False},
         "FlowLogId": IDS["fl-prod"], "FlowLogStatus": "ACTIVE",
         "LogDestination": f"arn:aws:s3:::demo-flow-logs-{ACCOUNT}", "LogDestinationType": "s3",
         "LogFormat": FLOW_FORMAT, "MaxAggregationInterval": 600, "ResourceId": VPC("prod"),
         "Tags": tags("prod-vpc-flow-logs"), "TrafficType": "ALL"},
        {"CreationTime": when("2023-01-16 09:02:55"), "DeliverLogsPermissionArn": f"arn:aws:iam::{ACCOUNT}:role/vpc-flow-logs-to-cwl",
         "DeliverLogsStatus": "SUCCESS", "FlowLogId": IDS["fl-shared"], "FlowLogStatus": "ACTIVE",
         "LogDestination": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/vpc/flowlogs/shared-services",
         "LogDestinationType": "cloud-watch-logs", "LogFormat": DEFAULT_FORMAT, "LogGroupName": "/vpc/flowlogs/shared-services",
         "MaxAggregationInterval": 600, "ResourceId": VPC("shared"), "Tags": tags("shared-services-rejects"),
         "TrafficType": "REJECT"},
    ]


# ── RDS DB subnet groups (rds describe-db-subnet-groups, the AWS CLI's member names) ──

DB_SUBNET_GROUPS = {
    # the production database's group: three private subnets, three zones, one NACL (no finding)
    "prod-db-subnets": ("prod PostgreSQL (Multi-AZ) and its reporting replica", ["db-a", "db-b", "db-c"]),
    # made by hand for a one-off migration and never removed: one zone, and a public subnet
    "prod-db-migration": ("one-off migration target (2024), never cleaned up", ["pub-c", "db-c"]),
}


def db_subnet_groups():
    out = []
    for name, (description, subs) in DB_SUBNET_GROUPS.items():
        out.append({"DBSubnetGroupArn": f"arn:aws:rds:{REGION}:{ACCOUNT}:subgrp:{name}",
                    "DBSubnetGroupDescription": description, "DBSubnetGroupName": name, "SubnetGroupStatus": "Complete",
                    "Subnets": [{"SubnetAvailabilityZone": {"Name": AZS[SUBNETS[k][1]][0]}, "SubnetIdentifier": SUB(k),
                                 "SubnetOutpost": {}, "SubnetStatus": "Active"} for k in subs],
                    "SupportedNetworkTypes": ["IPV4"], "VpcId": VPC("prod")})
    return out


def build_sections(ipr: IpRanges) -> dict:
    enis = [network_interface(m) for m in ENI_META.values()]
    by_key = {m["key"]: e for m, e in zip(ENI_META.values(), enis)}
    s = {
        "Vpcs": vpcs(), "Subnets": subnets(), "RouteTables": route_tables(), "NetworkAcls": network_acls(),
        "SecurityGroups": security_groups(), "NetworkInterfaces": enis, "Reservations": reservations(by_key),
        "InternetGateways": internet_gateways(), "EgressOnlyInternetGateways": egress_only_gateways(),
        "NatGateways": nat_gateways(), "VpcEndpoints": vpc_endpoints(),
        "VpcPeeringConnections": vpc_peering_connections(), "TransitGateways": transit_gateways(),
        "TransitGatewayAttachments": tgw_attachments(), "TransitGatewayVpcAttachments": tgw_vpc_attachments(),
        "TransitGatewayRouteTables": tgw_route_tables(), "PrefixLists": prefix_lists(ipr),
        "VpnGateways": vpn_gateways(), "VpnConnections": vpn_connections(), "CustomerGateways": customer_gateways(),
        "FlowLogs": flow_logs(), "PrefixListEntries": prefix_list_entries(ipr), "DBSubnetGroups": db_subnet_groups(),
    }
    s.update(tgw_items())
    return s


ENI_META = eni_meta()


# ───────────────────────────── a small evaluator (SG + NACL) ─────────────────────────────
# Used to *decide* ACCEPT/REJECT in the generated flow logs, so the logs agree with the config.

class Evaluator:
    def __init__(self, sections: dict):
        self.sg = {g["GroupId"]: g for g in sections["SecurityGroups"]}
        self.pl = {p["PrefixListId"]: [e["Cidr"] for e in p["Entries"]] for p in sections["PrefixListEntries"]}
        self.acl_of = {}
        for acl in sections["NetworkAcls"]:
            for a in acl["Associations"]:
                self.acl_of[a["SubnetId"]] = acl
        self.ip_owner = {}      # ip -> eni meta
        self.prefix_owner = []  # (net, meta)
        for m in ENI_META.values():
            for ip in [m["ip"]] + m["secondary"] + m["v6"]:
                self.ip_owner[ip] = m
            for p in m["prefixes"]:
                self.prefix_owner.append((ipaddress.ip_network(p), m))
        self.active_pcx = {p["VpcPeeringConnectionId"] for p in sections["VpcPeeringConnections"]
                           if p["Status"]["Code"] == "active"}

    def owner(self, ip):
        if ip in self.ip_owner:
            return self.ip_owner[ip]
        a = ipaddress.ip_address(ip)
        for n, m in self.prefix_owner:
            if a.version == n.version and a in n:
                return m
        return None

    @staticmethod
    def _proto_ok(rule_proto, proto):
        names = {"tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58"}
        rp = names.get(rule_proto, rule_proto)
        return rp == "-1" or rp == str(proto)

    def _peer_ok(self, p, peer):
        a = ipaddress.ip_address(peer)
        for r in p["IpRanges"]:
            if a.version == 4 and a in ipaddress.ip_network(r["CidrIp"]):
                return True
        for r in p["Ipv6Ranges"]:
            if a.version == 6 and a in ipaddress.ip_network(r["CidrIpv6"]):
                return True
        for r in p["PrefixListIds"]:
            for c in self.pl.get(r["PrefixListId"], []):
                n = ipaddress.ip_network(c)
                if a.version == n.version and a in n:
                    return True
        o = self.owner(peer)
        if o and a.version == 4 and peer in [o["ip"]] + o["secondary"]:   # private IPv4 only
            for pair in p["UserIdGroupPairs"]:
                if pair["GroupId"] in {SG(g) for g in o["groups"]}:
                    if "VpcPeeringConnectionId" in pair and pair["VpcPeeringConnectionId"] not in self.active_pcx:
                        continue
                    return True
        return False

    def sg_allows(self, eni_key, egress, proto, port, peer):
        m = ENI_META[eni_key]
        if not m["groups"]:      # NAT / NLB / TGW ENIs: no security groups
            return True
        for g in m["groups"]:
            for p in self.sg[SG(g)]["IpPermissionsEgress" if egress else "IpPermissions"]:
                if not self._proto_ok(p["IpProtocol"], proto):
                    continue
                if "FromPort" in p and p["IpProtocol"] not in ("-1",) and not (p["FromPort"] <= port <= p["ToPort"]):
                    continue
                if self._peer_ok(p, peer):
                    return True
        return False

    def nacl_rule(self, subnet_key, egress, proto, port, peer):
        acl = self.acl_of[SUB(subnet_key)]
        a = ipaddress.ip_address(peer)
        for e in sorted((e for e in acl["Entries"] if e["Egress"] == egress), key=lambda e: e["RuleNumber"]):
            c = e.get("CidrBlock") or e.get("Ipv6CidrBlock")
            n = ipaddress.ip_network(c)
            if n.version != a.version or a not in n:
                continue
            if e["Protocol"] != "-1" and e["Protocol"] != str(proto):
                continue
            if "PortRange" in e and not (e["PortRange"]["From"] <= port <= e["PortRange"]["To"]):
                continue
            return e["RuleAction"], e["RuleNumber"]
        return "deny", None

    def nacl_allows(self, subnet_key, egress, proto, port, peer):
        return self.nacl_rule(subnet_key, egress, proto, port, peer)[0] == "allow"


# ───────────────────────────── flow logs ─────────────────────────────

TCP, UDP = 6, 17
# business-day shape (UTC): US traffic peaks 14:00-23:00 UTC
BUSINESS = [0.30, 0.25, 0.22, 0.20, 0.20, 0.22, 0.28, 0.35, 0.45, 0.55, 0.65, 0.75,
            0.85, 0.95, 1.00, 1.00, 0.98, 0.95, 0.92, 0.90, 0.85, 0.70, 0.55, 0.40]
# nightly S3 batch export from app-3 (01:00-06:00 UTC) on top of a daytime trickle
S3_BATCH = [0.6, 2.6, 3.2, 3.4, 3.0, 2.2, 0.8, 0.5, 0.5, 0.5, 0.6, 0.6,
            0.7, 0.7, 0.8, 0.8, 0.8, 0.8, 0.7, 0.7, 0.6, 0.6, 0.5, 0.5]

# Destinations (asserted against ip-ranges at generation time)
DEST = {
    "S3": ["52.217.161.42", "52.216.137.190", "54.231.130.9", "16.182.40.66", "3.5.11.210", "16.15.200.17"],
    "DYNAMODB": ["3.218.181.20", "52.94.1.66", "52.119.228.5", "35.71.69.9"],
    "S3-usw2": ["52.218.130.12", "52.92.180.4", "3.5.81.77"],
    "AMAZON": ["52.94.245.31", "52.46.253.8", "54.239.98.12", "52.119.206.40"],
    "EC2": ["3.93.14.201", "54.84.12.9", "18.208.77.3"],
    "INTERNET": ["198.51.100.20", "203.0.113.150"],
}
DEST_EXPECT = {"S3": ("S3", REGION), "DYNAMODB": ("DYNAMODB", REGION), "S3-usw2": ("S3", "us-west-2"),
               "AMAZON": ("AMAZON", REGION), "EC2": ("EC2", REGION), "INTERNET": None}
V6_INTERNET = "2001:db8:4c6f::10"
SCANNERS_V4 = ["192.0.2.11", "192.0.2.37", "192.0.2.66", "192.0.2.93", "192.0.2.128", "192.0.2.201", "192.0.2.240"]
SCANNERS_V6 = ["2001:db8:5ca7::1f", "2001:db8:5ca7:10::8"]
ALB_CLIENTS = [f"198.51.100.{i}" for i in range(2, 60, 3)] + [f"203.0.113.{i}" for i in range(40, 120, 7)]
ONPREM_CLIENTS = ["172.16.5.5", "172.16.5.6", "172.18.40.21", "172.20.3.9"]


class FlowLog:
    def __init__(self, ipr: IpRanges, ev: Evaluator):
        self.ipr, self.ev = ipr, ev
        self.records = []          # (start, interface, line-fields)
        self.nat_bytes = {}        # (category, nat, source) -> bytes through the NAT (internet side, both directions)
        self.gwe_bytes = {}        # source -> bytes via the S3 gateway endpoint
        self.igw_bytes = {}
        self.nat_up_bytes = {}     # (category, nat, source) -> bytes the client sent (request side), for cross-region
        self.counts = {"ACCEPT": 0, "REJECT": 0, "NODATA": 0, "SKIPDATA": 0}

    # one record
    def rec(self, eni_key, src, dst, sport, dport, proto, pkts, nbytes, start, end, action, flags,
            direction, path, psrc=None, pdst=None):
        m = ENI_META[eni_key]
        psrc, pdst = psrc or src, pdst or dst
        fam = "IPv6" if ":" in src else "IPv4"
        fields = ["5", ACCOUNT, m["id"], src, dst, str(sport), str(dport), str(proto), str(pkts), str(nbytes),
                  str(start), str(end), action, "OK", m["vpc_id"], m["subnet_id"], m["instance"] or "-",
                  str(flags) if proto == TCP else "0", fam, psrc, pdst, REGION, m["az_id"],
                  self.ipr.service(psrc), self.ipr.service(pdst), direction,
                  str(path) if direction == "egress" and path is not None else "-"]
        self.records.append((start, m["id"], fields))
        self.counts[action] += 1

    def status_line(self, eni_key, start, end, status):
        m = ENI_META[eni_key]
        fields = ["5", ACCOUNT, m["id"], "-", "-", "-", "-", "-", "-", "-", str(start), str(end), "-", status,
                  m["vpc_id"], m["subnet_id"], m["instance"] or "-", "-", "-", "-", "-", REGION, m["az_id"],
                  "-", "-", "-", "-"]
        self.records.append((start, m["id"], fields))
        self.counts[status] += 1

    # helpers -------------------------------------------------------------
    @staticmethod
    def pk(nbytes, size):
        return max(1, int(round(nbytes / size)))

    def connection(self, up, down, bulk_down=True, bulk_up=False):
        """packets and bytes for the two directions of one flow in one window."""
        up_p = self.pk(up, 1400 if bulk_up else 180)
        down_p = self.pk(down, 1400 if bulk_down else 400)
        if bulk_down:      # the uploader's ACKs
            up_p = max(up_p, down_p // 2)
            up = max(up, up_p * 52)
        if bulk_up:
            down_p = max(down_p, up_p // 2)
            down = max(down, down_p * 52)
        return up_p, int(up), down_p, int(down)

    # paths ---------------------------------------------------------------
    def intra(self, ws_start, end, c, c_ip, s, s_ip, dport, sport, up, down, flags=(0, 0), bulk_down=False,
              path_c=1, c_logged=True, back_path=None):
        """client ENI c -> server ENI s, both in the logged VPC (or only one of them logged)."""
        cm, sm = ENI_META.get(c), ENI_META[s]
        ok_out = (not c_logged) or self.ev.sg_allows(c, True, TCP, dport, s_ip)
        ok_in = self.ev.sg_allows(s, False, TCP, dport, c_ip)
        if c_logged and cm["subnet"] != sm["subnet"]:
            ok_out = ok_out and self.ev.nacl_allows(cm["subnet"], True, TCP, dport, s_ip)
            ok_in = ok_in and self.ev.nacl_allows(sm["subnet"], False, TCP, dport, c_ip)
        elif not c_logged:
            ok_in = ok_in and self.ev.nacl_allows(sm["subnet"], False, TCP, dport, c_ip)
        up_p, up, down_p, down = self.connection(up, down, bulk_down=bulk_down)
        if not ok_out:
            self.rec(c, c_ip, s_ip, sport, dport, TCP, up_p, up, ws_start, end, "REJECT", 2, "egress", path_c)
            return False
        if not ok_in:
            if c_logged:
                self.rec(c, c_ip, s_ip, sport, dport, TCP, up_p, up, ws_start, end, "ACCEPT", 2, "egress", path_c)
            self.rec(s, c_ip, s_ip, sport, dport, TCP, up_p, up, ws_start, end, "REJECT", 2, "ingress", 0)
            return False
        if c_logged:
            self.rec(c, c_ip, s_ip, sport, dport, TCP, up_p, up, ws_start, end, "ACCEPT", flags[0], "egress", path_c)
            self.rec(c, s_ip, c_ip, dport, sport, TCP, down_p, down, ws_start, end, "ACCEPT", flags[1], "ingress", 0)
        self.rec(s, c_ip, s_ip, sport, dport, TCP, up_p, up, ws_start, end, "ACCEPT", flags[0], "ingress", 0)
        if back_path is None:
            back_path = 4 if c_ip.startswith("10.100.") else 1
        self.rec(s, s_ip, c_ip, dport, sport, TCP, down_p, down, ws_start, end, "ACCEPT", flags[1], "egress", back_path)
        return True

    def via_nat(self, start, end, c, c_ip, nat, remote, dport, sport, nat_port, up, down, category,
                flags=(0, 0), bulk_up=False):
        n = ENI_META[nat]
        assert self.ev.sg_allows(c, True, TCP, dport, remote)
        up_p, up, down_p, down = self.connection(up, down, bulk_down=not bulk_up, bulk_up=bulk_up)
        f_up, f_down = flags
        # the client's own ENI
        self.rec(c, c_ip, remote, sport, dport, TCP, up_p, up, start, end, "ACCEPT", f_up, "egress", 1)
        self.rec(c, remote, c_ip, dport, sport, TCP, down_p, down, start, end, "ACCEPT", f_down, "ingress", 0)
        # the NAT gateway's ENI: private side and internet side, each way
        self.rec(nat, c_ip, n["ip"], sport, dport, TCP, up_p, up, start, end, "ACCEPT", f_up, "ingress", 0, c_ip, remote)
        self.rec(nat, n["ip"], remote, nat_port, dport, TCP, up_p, up, start, end, "ACCEPT", f_up, "egress", 2)
        self.rec(nat, remote, n["ip"], dport, nat_port, TCP, down_p, down, start, end, "ACCEPT", f_down, "ingress", 0)
        self.rec(nat, n["ip"], c_ip, dport, sport, TCP, down_p, down, start, end, "ACCEPT", f_down, "egress", 1, remote, c_ip)
        key = (category, nat, c)
        self.nat_bytes[key] = self.nat_bytes.get(key, 0) + up + down
        self.nat_up_bytes[key] = self.nat_up_bytes.get(key, 0) + up

    def via_gwe(self, start, end, c, c_ip, remote, dport, sport, up, down, flags=(0, 0)):
        up_p, up, down_p, down = self.connection(up, down)
        self.rec(c, c_ip, remote, sport, dport, TCP, up_p, up, start, end, "ACCEPT", flags[0], "egress", 7)
        self.rec(c, remote, c_ip, dport, sport, TCP, down_p, down, start, end, "ACCEPT", flags[1], "ingress", 0)
        self.gwe_bytes[c] = self.gwe_bytes.get(c, 0) + up + down

    def via_igw_out(self, start, end, c, c_ip, remote, dport, sport, up, down, flags=(3, 19)):
        up_p, up, down_p, down = self.connection(up, down)
        self.rec(c, c_ip, remote, sport, dport, TCP, up_p, up, start, end, "ACCEPT", flags[0], "egress", 8)
        self.rec(c, remote, c_ip, dport, sport, TCP, down_p, down, start, end, "ACCEPT", flags[1], "ingress", 0)
        svc = self.ipr.service(remote)
        self.igw_bytes[(svc, c)] = self.igw_bytes.get((svc, c), 0) + up + down

    def inbound(self, start, end, remote, s, s_ip, dport, sport, up, down, pkts_if_reject=1, path=8):
        """unsolicited traffic arriving at ENI s from outside the VPC (internet, peer, on-prem)."""
        sm = ENI_META[s]
        ok = self.ev.sg_allows(s, False, TCP, dport, remote) and self.ev.nacl_allows(sm["subnet"], False, TCP, dport, remote)
        if not ok:
            self.rec(s, remote, s_ip, sport, dport, TCP, pkts_if_reject, 44 * pkts_if_reject if ":" not in remote else 64 * pkts_if_reject,
                     start, end, "REJECT", 2, "ingress", 0)
            return False
        up_p, up, down_p, down = self.connection(up, down, bulk_down=False)
        self.rec(s, remote, s_ip, sport, dport, TCP, up_p, up, start, end, "ACCEPT", 3, "ingress", 0)
        self.rec(s, s_ip, remote, dport, sport, TCP, down_p, down, start, end, "ACCEPT", 19, "egress", path)
        return True


def windows():
    for hour in range(24):
        for w in range(6):
            yield hour, DAY0 + hour * 3600 + w * 600


def generate_flows(ipr: IpRanges, ev: Evaluator) -> FlowLog:
    fl = FlowLog(ipr, ev)
    rng = random.Random(SEED)
    E = ENI_META

    def eph(lo=32768, hi=60999):
        return rng.randint(lo, hi)

    def span(ws, long=True):
        if long:
            s = ws + rng.randint(0, 20)
            return s, ws + rng.randint(560, 599)
        s = ws + rng.randint(0, 540)
        return s, min(ws + 599, s + rng.randint(1, 45))

    def jitter(x, pct=0.25):
        return max(1, int(x * (1 + rng.uniform(-pct, pct))))

    for k, v in DEST.items():
        for ip in v:
            got = ipr.lookup(ip)
            want = DEST_EXPECT[k]
            assert got == want, f"{ip}: ip-ranges says {got}, demo expects {want}"

    app_nat = {"app-1": "nat-a", "app-2": "nat-b", "app-3": "nat-b", "lambda-a": "nat-a", "lambda-b": "nat-b",
               "ecs-1": "nat-b"}
    apps = ["app-1", "app-2", "app-3"]
    ssm_for = {"app-1": "vpce-ssm-a", "app-2": "vpce-ssm-b", "app-3": "vpce-ssm-b", "bastion": "vpce-ssm-a",
               "ecs-1": "vpce-ssm-b"}
    alb = ["alb-a", "alb-b", "alb-c"]
    nlb = ["nlb-a", "nlb-b", "nlb-c"]

    # daily volume targets (bytes), spread over windows by a weight curve
    GB = 1_000_000_000
    def plan(total, weights, jit=0.3):
        raw = [weights[h] * (1 + rng.uniform(-jit, jit)) for h, _ws in windows()]
        s = sum(raw)
        return [int(total * x / s) for x in raw]

    s3_nat = plan(62 * GB, S3_BATCH)
    s3_gwe = plan(24 * GB, BUSINESS)
    ddb = plan(6.5 * GB, BUSINESS)
    amazon = plan(2.2 * GB, BUSINESS)

    pools = {}   # stable source ports of pooled connections, rotated every 6 h
    def pool_port(name, hour, lo=32768, hi=60999):
        key = (name, hour // 6)
        if key not in pools:
            pools[key] = rng.randint(lo, hi)
        return pools[key]

    def pool_flags(hour, ws):
        first = hour % 6 == 0 and ws % 3600 == 0
        last = hour % 6 == 5 and ws % 3600 == 3000
        return (2, 18) if first else ((1, 1) if last else (0, 0))

    for i, (hour, ws) in enumerate(windows()):
        b = BUSINESS[hour]
        # --- app servers <-> RDS primary: two pooled connections each
        for a in apps:
            for n in range(2):
                s, e = span(ws)
                fl.intra(s, e, a, E[a]["ip"], "rds-primary", E["rds-primary"]["ip"], 5432, pool_port(f"{a}-db{n}", hour),
                         jitter(1_500_000 * b), jitter(7_000_000 * b), flags=pool_flags(hour, ws))
        # --- Lambda -> RDS: short connections
        for _ in range(rng.choice((1, 2, 2, 3))):
            lam = rng.choice(("lambda-a", "lambda-b"))
            s, e = span(ws, long=False)
            fl.intra(s, e, lam, E[lam]["ip"], "rds-primary", E["rds-primary"]["ip"], 5432, eph(1024, 65535),
                     jitter(9_000), jitter(42_000), flags=(3, 19))
        # --- ALB health checks (interval 300 s) and pooled ALB -> app traffic
        for lb in alb:
            for a in apps:
                for off in (0, 300):
                    s = ws + off + rng.randint(0, 20)
                    fl.intra(s, s + 1, lb, E[lb]["ip"], a, E[a]["ip"], 8080, eph(1024, 65535), 466, 560, flags=(3, 19))
                s, e = span(ws)
                fl.intra(s, e, lb, E[lb]["ip"], a, E[a]["ip"], 8080, pool_port(f"{lb}-{a}", hour, 1024, 65535),
                         jitter(900_000 * b), jitter(4_800_000 * b), flags=pool_flags(hour, ws))
        # --- NLB health checks to the ECS task (interval 300 s)
        for lb in nlb:
            for off in (0, 300):
                s = ws + off + rng.randint(0, 20)
                fl.intra(s, s + 1, lb, E[lb]["ip"], "ecs-1", NLB_TASK_IP, 443, eph(1024, 65535), 180, 120, flags=(3, 19))
        # --- SSM interface endpoint long polls
        for c, v in ssm_for.items():
            s, e = span(ws)
            fl.intra(s, e, c, E[c]["ip"], v, E[v]["ip"], 443, pool_port(f"{c}-ssm", hour),
                     jitter(42_000), jitter(31_000), flags=pool_flags(hour, ws))
        # --- EFS (NFS) from app-1/app-2 (app-3 lacks the default SG: see the rejects below)
        for c, t in (("app-1", "efs-a"), ("app-2", "efs-b")):
            s, e = span(ws)
            fl.intra(s, e, c, E[c]["ip"], t, E[t]["ip"], 2049, pool_port(f"{c}-nfs", hour, 700, 1023),
                     jitter(2_000_000 * b), jitter(9_000_000 * b), flags=pool_flags(hour, ws))
        # --- Redis
        for a in apps:
            s, e = span(ws)
            fl.intra(s, e, a, E[a]["ip"], "cache-1", E["cache-1"]["ip"], 6379, pool_port(f"{a}-redis", hour),
                     jitter(3_000_000 * b), jitter(5_500_000 * b), flags=pool_flags(hour, ws))
        # --- S3 us-east-1 through nat-b from app-3 (no gateway endpoint on its route table): 3 streams
        for n, share in enumerate((0.45, 0.35, 0.20)):
            s, e = span(ws)
            total = int(s3_nat[i] * share)
            upload = n == 2
            fl.via_nat(s, e, "app-3", E["app-3"]["ip"], "nat-b", DEST["S3"][(i + n) % len(DEST["S3"])], 443,
                       pool_port(f"app-3-s3-{n}", hour), pool_port(f"nat-b-app-3-s3-{n}", hour, 1024, 65535),
                       total if upload else int(total * 0.01), int(total * 0.01) if upload else total, "S3",
                       flags=pool_flags(hour, ws), bulk_up=upload)
        # --- S3 through the gateway endpoint from app-1/app-2 (route tables a/b)
        for n, a in enumerate(("app-1", "app-2")):
            s, e = span(ws)
            total = int(s3_gwe[i] * (0.55 if n == 0 else 0.45))
            fl.via_gwe(s, e, a, E[a]["ip"], DEST["S3"][(i + 3 * n) % len(DEST["S3"])], 443,
                       pool_port(f"{a}-s3", hour), int(total * 0.08), int(total * 0.92), flags=pool_flags(hour, ws))
        # --- DynamoDB through the NAT gateways (no DynamoDB endpoint anywhere)
        ddb_src = {"app-1": 0.25, "app-2": 0.25, "app-3": 0.25, "lambda-a": 0.08, "lambda-b": 0.07, "ecs-1": 0.10}
        for c, share in ddb_src.items():
            s, e = span(ws)
            total = int(ddb[i] * share)
            src_ip = NLB_TASK_IP if c == "ecs-1" else E[c]["ip"]
            lo = 1024 if c.startswith("lambda") else 32768
            fl.via_nat(s, e, c, src_ip, app_nat[c], DEST["DYNAMODB"][(i + len(c)) % len(DEST["DYNAMODB"])], 443,
                       pool_port(f"{c}-ddb", hour, lo, 60999), pool_port(f"{app_nat[c]}-{c}-ddb", hour, 1024, 65535),
                       int(total * 0.35), int(total * 0.65), "DYNAMODB", flags=pool_flags(hour, ws))
        # --- AMAZON-only us-east-1 APIs (STS/SQS/KMS-like) through the NAT gateways
        for c in ("app-1", "app-2", "app-3", "lambda-a", "lambda-b"):
            s, e = span(ws, long=False)
            total = int(amazon[i] / 5)
            fl.via_nat(s, e, c, E[c]["ip"], app_nat[c], DEST["AMAZON"][(i + len(c) + c.count("b")) % len(DEST["AMAZON"])], 443,
                       eph(1024 if c.startswith("lambda") else 32768, 60999), eph(1024, 65535),
                       int(total * 0.45), int(total * 0.55), "AMAZON", flags=(3, 19))
        # --- shared-services monitoring -> RDS primary over the peering (pooled), and node-exporter scrapes
        s, e = span(ws)
        fl.intra(s, e, None, E["monitoring"]["ip"], "rds-primary", E["rds-primary"]["ip"], 5432,
                 pool_port("mon-db", hour), jitter(60_000), jitter(240_000), flags=pool_flags(hour, ws), c_logged=False)
        for a in apps:
            s, e = span(ws)
            fl.intra(s, e, None, E["monitoring"]["ip"], a, E[a]["ip"], 9100, pool_port(f"mon-{a}", hour),
                     jitter(9_000), jitter(420_000), flags=pool_flags(hour, ws), c_logged=False)

        # hourly / occasional traffic -------------------------------------------------
        if ws % 3600 == 0:
            # S3 us-west-2 (cross-region backups) through the NAT gateways
            for a in apps:
                s, e = span(ws + 600 * rng.randint(0, 5), long=False)
                total = jitter(42_000_000)
                fl.via_nat(s, e, a, E[a]["ip"], app_nat[a], rng.choice(DEST["S3-usw2"]), 443, eph(), eph(1024, 65535),
                           total, int(total * 0.02), "S3-usw2", flags=(3, 19), bulk_up=True)
            # third-party SaaS hosted on EC2, and non-AWS internet
            for a in apps:
                s, e = span(ws + 600 * rng.randint(0, 5), long=False)
                total = jitter(14_000_000 * b)
                fl.via_nat(s, e, a, E[a]["ip"], app_nat[a], rng.choice(DEST["EC2"]), 443, eph(), eph(1024, 65535),
                           int(total * 0.2), int(total * 0.8), "EC2", flags=(3, 19))
                s, e = span(ws + 600 * rng.randint(0, 5), long=False)
                total = jitter(7_000_000 * b)
                fl.via_nat(s, e, a, E[a]["ip"], app_nat[a], rng.choice(DEST["INTERNET"]), 443, eph(), eph(1024, 65535),
                           int(total * 0.1), int(total * 0.9), "INTERNET", flags=(3, 19))
            # reporting queries from app-1 to the replica in db-c
            s, e = span(ws + 600 * rng.randint(0, 5), long=False)
            fl.intra(s, e, "app-1", E["app-1"]["ip"], "rds-replica", E["rds-replica"]["ip"], 5432, eph(),
                     jitter(40_000), jitter(30_000_000), flags=(3, 19), bulk_down=True)
            # LDAP from the app servers to AD in shared-services, across the peering (cross-VPC SG reference)
            for a in apps:
                s, e = span(ws + 600 * rng.randint(0, 5), long=False)
                ok = fl.ev.sg_allows(a, True, TCP, 389, E["directory"]["ip"])
                assert ok
                up_p, up, down_p, down = fl.connection(jitter(3_000), jitter(9_000), bulk_down=False)
                assert fl.ev.sg_allows("directory", False, TCP, 389, E[a]["ip"])
                port = eph()
                fl.rec(a, E[a]["ip"], E["directory"]["ip"], port, 389, TCP, up_p, up, s, e, "ACCEPT", 3, "egress", 4)
                fl.rec(a, E["directory"]["ip"], E[a]["ip"], 389, port, TCP, down_p, down, s, e, "ACCEPT", 19, "ingress", 0)
            # on-prem clients -> app-1 / app-2 :443 through the TGW (TGW ENI in the same AZ carries both ways)
            for _ in range(int(round(10 * b)) + 1):
                tgt = rng.choice(("app-1", "app-2"))
                tg = "tgw-a" if tgt == "app-1" else "tgw-b"
                client = rng.choice(ONPREM_CLIENTS)
                s, e = span(ws + 600 * rng.randint(0, 5), long=False)
                port = eph(49152, 65535)
                up_p, up, down_p, down = fl.connection(jitter(25_000), jitter(180_000), bulk_down=False)
                assert fl.ev.sg_allows(tgt, False, TCP, 443, client)
                t_ip, a_ip = E[tg]["ip"], E[tgt]["ip"]
                fl.rec(tg, client, a_ip, port, 443, TCP, up_p, up, s, e, "ACCEPT", 3, "egress", 1)
                fl.rec(tg, a_ip, client, 443, port, TCP, down_p, down, s, e, "ACCEPT", 19, "ingress", 0)
                fl.rec(tgt, client, a_ip, port, 443, TCP, up_p, up, s, e, "ACCEPT", 3, "ingress", 0)
                fl.rec(tgt, a_ip, client, 443, port, TCP, down_p, down, s, e, "ACCEPT", 19, "egress", 1)
            # on-prem -> app-3 :443: delivered via the AZ-b TGW ENI, but app-3's SYN-ACK cannot reach the TGW
            # (no attachment subnet in us-east-1c), so the handshake never completes
            client = rng.choice(ONPREM_CLIENTS)
            s = ws + 600 * rng.randint(0, 5) + rng.randint(0, 500)
            port = eph(49152, 65535)
            a_ip = E["app-3"]["ip"]
            assert fl.ev.sg_allows("app-3", False, TCP, 443, client)
            fl.rec("tgw-b", client, a_ip, port, 443, TCP, 3, 180, s, s + 31, "ACCEPT", 2, "egress", 1)
            fl.rec("app-3", client, a_ip, port, 443, TCP, 3, 180, s, s + 31, "ACCEPT", 2, "ingress", 0)
            fl.rec("app-3", a_ip, client, 443, port, TCP, 3, 180, s, s + 31, "ACCEPT", 18, "egress", None)
            # monitoring -> reporting replica in db-c: SG and NACL allow it, but db-c uses the main route
            # table, which has no route back to 10.100.0.0/16; the replica's SYN-ACKs go nowhere
            s = ws + 600 * rng.randint(0, 5) + rng.randint(0, 500)
            port, m_ip, r_ip = eph(), E["monitoring"]["ip"], E["rds-replica"]["ip"]
            assert fl.ev.sg_allows("rds-replica", False, TCP, 5432, m_ip) and fl.ev.nacl_allows("db-c", False, TCP, 5432, m_ip)
            fl.rec("rds-replica", m_ip, r_ip, port, 5432, TCP, 3, 180, s, s + 31, "ACCEPT", 2, "ingress", None)
            fl.rec("rds-replica", r_ip, m_ip, 5432, port, TCP, 3, 180, s, s + 31, "ACCEPT", 18, "egress", None)
            # IPv6 egress through the egress-only IGW
            for a in ("app-1", "app-2"):
                s, e = span(ws + 600 * rng.randint(0, 5), long=False)
                up_p, up, down_p, down = fl.connection(jitter(6_000), jitter(2_400_000))
                port = eph()
                v6 = E[a]["v6"][0]
                fl.rec(a, v6, V6_INTERNET, port, 443, TCP, up_p, up, s, e, "ACCEPT", 3, "egress", 8)
                fl.rec(a, V6_INTERNET, v6, 443, port, TCP, down_p, down, s, e, "ACCEPT", 19, "ingress", 0)
            # app-3 tries to mount EFS (it lacks the default SG the mount target allows): rejected
            s = ws + rng.randint(0, 3000)
            fl.intra(s, s + 5, "app-3", E["app-3"]["ip"], "efs-a", E["efs-a"]["ip"], 2049, rng.randint(700, 1023), 120, 0)
            # internet clients -> ALB
            for lb in alb:
                for _ in range(int(round(14 * b)) + 2):
                    s, e = span(ws + 600 * rng.randint(0, 5), long=False)
                    fl.inbound(s, e, rng.choice(ALB_CLIENTS), lb, E[lb]["ip"], rng.choice((443, 443, 443, 80)),
                               eph(1024, 65535), jitter(3_500), jitter(38_000), path=2)
            # scanners
            targets = [("legacy", E["legacy"]["ip"]), ("bastion", E["bastion"]["ip"])] + [(lb, E[lb]["ip"]) for lb in alb]
            for _ in range(rng.randint(18, 30)):
                scanner = rng.choice(SCANNERS_V4)
                tgt, tip = rng.choice(targets)
                port = rng.choice((22, 22, 22, 3389, 3389, 23, 445, 8080, 5432, 1433, 6379))
                s, e = span(ws + 600 * rng.randint(0, 5), long=False)
                fl.inbound(s, e, scanner, tgt, tip, port, eph(1024, 65535), jitter(2_200), jitter(2_800),
                           pkts_if_reject=rng.choice((1, 1, 2)))
            if hour % 3 == 0:
                for port in (8080, 22):
                    s, e = span(ws + 600 * rng.randint(0, 5), long=False)
                    fl.inbound(s, e, rng.choice(SCANNERS_V6), "legacy", E["legacy"]["v6"][0], port, eph(1024, 65535),
                               jitter(1_500), jitter(6_000))
            # NODATA: the stopped batch worker's ENI
            fl.status_line("batch-1", ws + rng.randint(0, 30), ws + 3000 + rng.randint(0, 599), "NODATA")
            # bastion / legacy housekeeping straight out of the IGW (public subnet, no NAT)
            s, e = span(ws + 600 * rng.randint(0, 5), long=False)
            fl.via_igw_out(s, e, "bastion", E["bastion"]["ip"], DEST["S3"][hour % len(DEST["S3"])], 443, eph(),
                           jitter(20_000), jitter(6_000_000))
            if hour % 4 == 1:
                s, e = span(ws + 600 * rng.randint(0, 5), long=False)
                fl.via_igw_out(s, e, "legacy", E["legacy"]["ip"], rng.choice(DEST["INTERNET"]), 443, eph(49152, 65535),
                               jitter(30_000), jitter(9_000_000))

        # office hours (13:00-22:00 UTC): office -> bastion SSH and admin UI; bastion -> app SSH
        if 13 <= hour <= 21 and ws % 3600 == 1200:
            s, e = span(ws)
            fl.inbound(s, e, OFFICE_HQ, "bastion", E["bastion"]["ip"], 22, eph(49152, 65535), jitter(90_000), jitter(400_000))
            s, e = span(ws, long=False)
            fl.inbound(s, e, rng.choice((OFFICE_HQ, "198.51.100.131")), "bastion", E["bastion"]["ip"], 443,
                       eph(49152, 65535), jitter(30_000), jitter(900_000))
            a = rng.choice(apps)
            s, e = span(ws)
            fl.intra(s, e, "bastion", E["bastion"]["ip"], a, E[a]["ip"], 22, eph(), jitter(40_000), jitter(200_000), flags=(3, 19))
        # a DBA tries psql straight from the bastion: the db NACL's rule 50 denies 10.0.0.0/22
        if hour in (14, 15, 19) and ws % 3600 == 1800:
            for _ in range(3):
                s = ws + rng.randint(0, 500)
                fl.intra(s, s + 7, "bastion", E["bastion"]["ip"], "rds-primary", E["rds-primary"]["ip"], 5432, eph(), 180, 0)
        # SKIPDATA on nat-b in the middle of the nightly S3 export
        if hour == 3 and ws % 3600 in (1200, 1800):
            fl.status_line("nat-b", ws, ws + 599, "SKIPDATA")

    return fl


def write_flow_files(fl: FlowLog) -> list:
    by_hour = {}
    for start, eni, fields in fl.records:
        hour = (start - DAY0) // 3600
        assert 0 <= hour < 24
        by_hour.setdefault(hour, []).append((start, eni, fields))
    base = os.path.join(FLOW_ROOT, "AWSLogs", ACCOUNT, "vpcflowlogs", REGION, "2026", "11", "21")
    os.makedirs(base, exist_ok=True)
    written = []
    for hour in sorted(by_hour):
        rows = sorted(by_hour[hour], key=lambda r: (r[0], r[1], r[2]))
        text = " ".join(FLOW_FIELDS) + "\n" + "".join(" ".join(f) + "\n" for _s, _e, f in rows)
        name = f"{ACCOUNT}_vpcflowlogs_{REGION}_{IDS['fl-prod']}_20261121T{hour:02d}00Z_{hexn('obj%d' % hour, 8)}.log.gz"
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as g:
            g.write(text.encode("ascii"))
        with open(os.path.join(base, name), "wb") as f:
            f.write(buf.getvalue())
        written.append(os.path.join(base, name))
    return written


# ───────────────────────────── ground truth ─────────────────────────────

def route_lookup(sections: dict):
    """route(subnet_key, ip) -> (route table id, target id or 'local' or None): the generator's own longest-prefix match
    (a prefix-list route stands for each of the list's entries)."""
    tables = sections["RouteTables"]
    entries = {p["PrefixListId"]: [e["Cidr"] for e in p["Entries"]] for p in sections["PrefixListEntries"]}
    explicit, main = {}, {}
    for t in tables:
        for a in t["Associations"]:
            if a.get("Main"):
                main[t["VpcId"]] = t
            else:
                explicit[a["SubnetId"]] = t

    def route(sub_key, ip):
        t = explicit.get(SUB(sub_key)) or main[VPC(SUBNETS[sub_key][0])]
        a = ipaddress.ip_address(ip)
        best = None
        for rt in t["Routes"]:
            dests = entries[rt["DestinationPrefixListId"]] if "DestinationPrefixListId" in rt else \
                [rt.get("DestinationCidrBlock") or rt.get("DestinationIpv6CidrBlock")]
            for dest in dests:
                n = ipaddress.ip_network(dest)
                if n.version == a.version and a in n and (best is None or n.prefixlen > best[0].prefixlen):
                    best = (n, rt)
        if best is None:
            return t["RouteTableId"], None
        rt = best[1]
        target = next((rt[k] for k in ("GatewayId", "NatGatewayId", "VpcPeeringConnectionId", "TransitGatewayId",
                                       "EgressOnlyInternetGatewayId") if k in rt), None)
        return t["RouteTableId"], target
    return route


TRANSFER_PATHS = ("NatGateway", "TransitGateway", "CrossAz", "PeeringCrossAz", "CrossRegion", "PeeringSameAz", "SameAz",
                  "GatewayEndpoint", "Internet", "Dropped")


def transfer_cost(sections: dict, fl: "FlowLog", ev: "Evaluator") -> dict:
    """Bytes per path class of the day, each flow once per charge it incurs (issue #21 part 5), from the generator's
    own view of each record: NAT flows from what via_nat counted (processing; the client's zone against the NAT's;
    what the client sent to another region), every other ACCEPT record once, where it was sent (egress), or where it was
    received when its sender logs nothing (outside prod's flow log); records of the TGW attachment ENIs are transit."""
    E = ENI_META
    route = route_lookup(sections)
    by_id = {m["id"]: m for m in E.values()}
    logged = {eni for _s, eni, _f in fl.records}
    out = {k: 0 for k in TRANSFER_PATHS}
    for (cat, nat, src), v in fl.nat_bytes.items():
        out["NatGateway"] += v
        if E[src]["az_id"] != E[nat]["az_id"]:
            out["CrossAz"] += v
        if DEST_EXPECT[cat] and DEST_EXPECT[cat][1] != REGION:
            out["CrossRegion"] += fl.nat_up_bytes[(cat, nat, src)]
    for _start, eni, f in fl.records:
        r = dict(zip(FLOW_FIELDS, f))
        m = by_id[eni]
        if r["log-status"] != "OK" or r["action"] != "ACCEPT" or r["bytes"] == "0" or m["kind"] in ("nat", "tgw"):
            continue
        egress = r["flow-direction"] == "egress"
        remote = r["dstaddr"] if egress else r["srcaddr"]
        other = ev.owner(remote)
        if other is not None and not egress and other["id"] in logged:
            continue   # counted where it was sent
        if other is not None and other["vpc"] == m["vpc"]:
            path = "CrossAz" if other["az_id"] != m["az_id"] else "SameAz"
        else:
            _rtb, target = route(m["subnet"], remote)
            if target is None:
                path = "Dropped"
            elif target.startswith("nat-"):
                continue   # counted from the NAT flows above
            elif target.startswith("pcx-"):
                path = "PeeringCrossAz" if other["az_id"] != m["az_id"] else "PeeringSameAz"
            elif target.startswith("tgw-"):
                # only subnets of zones a and b can send into the TGW (the attachment has no us-east-1c subnet)
                path = "Dropped" if egress and m["az"] == AZS["c"][0] else "TransitGateway"
            elif target.startswith("vpce-"):
                path = "GatewayEndpoint"
            else:
                aws = fl.ipr.lookup(remote) if ":" not in remote else None
                path = "CrossRegion" if egress and aws and aws[1] not in (REGION, "GLOBAL") else "Internet"
        out[path] += int(r["bytes"])
    return {"bytes": out, "definition": "each flow once per charge it incurs; GB of the plan are 2^30 bytes",
            "top_nat_client": E["app-3"]["ip"], "top_cross_az_pair": [E["app-3"]["ip"], E["nat-b"]["ip"]],
            "peering_counterpart": E["monitoring"]["ip"], "cross_region_service": "S3 us-west-2"}


def practices(sections: dict, fl: "FlowLog", ev: "Evaluator") -> dict:
    """Issue #21's answers on the demo: IMDS, DB subnet groups, IPv4/IPv6 route parity, PrivateLink candidates."""
    E = ENI_META
    route = route_lookup(sections)
    # 1. instance metadata: IMDSv1 accepted; tokens required but a hop limit above 1 on an instance with a role
    imdsv1, hops = [], []
    for res in sections["Reservations"]:
        for i in res["Instances"]:
            if i["State"]["Name"] in ("terminated", "shutting-down"):
                continue
            mo = i["MetadataOptions"]
            name = next(t["Value"] for t in i["Tags"] if t["Key"] == "Name")
            if mo["HttpTokens"] == "optional":
                imdsv1.append({"instance": i["InstanceId"], "name": name})
            elif mo["HttpPutResponseHopLimit"] > 1 and "IamInstanceProfile" in i:
                hops.append({"instance": i["InstanceId"], "name": name, "hop_limit": mo["HttpPutResponseHopLimit"], "severity": "LOW"})
    legacy = next(x for x in imdsv1 if x["instance"] == INST("legacy"))
    legacy.update({"severity": "CRITICAL", "exposure": "Reachable",
                   "why": "IMDSv1 on an instance the internet reaches (SSH/RDP from 0.0.0.0/0 on its EIP, reachability #7)"})
    # 2. DB subnet groups
    groups = {}
    for g in sections["DBSubnetGroups"]:
        keys = [k for k in SUBNETS if SUB(k) in {x["SubnetIdentifier"] for x in g["Subnets"]}]
        zones = sorted({x["SubnetAvailabilityZone"]["Name"] for x in g["Subnets"]})
        public = [{"subnet": SUB(k), "route_table": route(k, "8.8.8.8")[0], "target": route(k, "8.8.8.8")[1]}
                  for k in keys if str(route(k, "8.8.8.8")[1]).startswith("igw-")]
        findings = sorted((["RDS.SubnetGroupSingleAz"] if len(zones) < 2 else []) + (["RDS.SubnetGroupPublicSubnet"] if public else []))
        groups[g["DBSubnetGroupName"]] = {"zones": zones, "public_subnets": public, "findings": findings}
    # 3. route parity: dual-stack subnets whose IPv4 and IPv6 default routes differ in kind
    parity = []
    for k, (vpc, _az, _cidr, v6, _name, _tier) in SUBNETS.items():
        if not v6:
            continue
        rtb, t4 = route(k, "8.8.8.8")
        _rtb, t6 = route(k, "2001:4860::8888")
        public4, public6 = str(t4).startswith("igw-"), str(t6).startswith("igw-")
        if public6 and not public4:
            parity.append({"subnet": SUB(k), "route_table": rtb, "ipv4": t4, "ipv6": t6, "severity": "HIGH"})
        elif (t4 is None) != (t6 is None):
            parity.append({"subnet": SUB(k), "route_table": rtb, "ipv4": t4, "ipv6": t6, "severity": "LOW"})
    # 4. PrivateLink candidates: a single-port TCP rule admitting the peer VPC, and an instance there that reaches a
    #    member of the group across the active peering (groups, NACLs both ways, routes both ways)
    def reaches(src, dst, port):
        s_ip, d_ip = E[src]["ip"], E[dst]["ip"]
        if route(E[src]["subnet"], d_ip)[1] != IDS["pcx"] or route(E[dst]["subnet"], s_ip)[1] != IDS["pcx"]:
            return False
        ss, ds = E[src]["subnet"], E[dst]["subnet"]
        return (ev.sg_allows(src, True, TCP, port, d_ip) and ev.sg_allows(dst, False, TCP, port, s_ip)
                and ev.nacl_allows(ss, True, TCP, port, d_ip) and ev.nacl_allows(ds, False, TCP, port, s_ip)
                and ev.nacl_allows(ds, True, TCP, 40000, s_ip) and ev.nacl_allows(ss, False, TCP, 40000, d_ip))
    candidates = []
    vpc_cidr = {VPC(k): ipaddress.ip_network(v["cidr"]) for k, v in VPCS.items()}
    for service, remote in (("prod", "shared"), ("shared", "prod")):
        for g in sections["SecurityGroups"]:
            if g["VpcId"] != VPC(service):
                continue
            key = next(k for k in SG_DEFS if SG(k) == g["GroupId"])
            for p in g["IpPermissions"]:
                if p["IpProtocol"] != "tcp" or p["FromPort"] != p["ToPort"]:
                    continue
                admits = any(ipaddress.ip_network(r["CidrIp"]).overlaps(vpc_cidr[VPC(remote)]) and not r["CidrIp"].endswith("/0")
                             for r in p["IpRanges"])
                admits = admits or any(SG_DEFS[k][0] == remote for pair in p["UserIdGroupPairs"]
                                       for k in SG_DEFS if SG(k) == pair["GroupId"])
                if not admits:
                    continue
                port = p["FromPort"]
                targets = [k for k, m in E.items() if key in m["groups"]]
                sources = sorted({INST(k) for k, m in E.items() if SUBNETS[m["subnet"]][0] == remote and m["instance"]
                                  for t in targets if reaches(k, t, port)})
                if sources and not any(c["group"] == g["GroupId"] and c["port"] == port for c in candidates):
                    # What the day's flow logs saw of it: accepted requests from the peer VPC to the group's addresses on
                    # the port (a candidate never seen is exposure nothing uses: remove it rather than publish it)
                    addresses = {ip for t in targets for ip in [E[t]["ip"]] + E[t]["secondary"]}
                    seen = [f for _start, _eni, f in fl.records if f[12] == "ACCEPT" and f[7] == str(TCP) and f[6] == str(port)
                            and f[4] in addresses and ":" not in f[3] and ipaddress.ip_address(f[3]) in vpc_cidr[VPC(remote)]]
                    candidates.append({"group": g["GroupId"], "group_name": g["GroupName"], "port": port, "via": IDS["pcx"],
                                       "service_vpc": VPC(service), "remote_vpc": VPC(remote), "instances_reaching": sources,
                                       "flow_log_requests": {"records": len(seen), "bytes": sum(int(f[9]) for f in seen)}})
    return {
        "instance_metadata": {"imdsv1": imdsv1, "hop_limit_above_one": hops},
        "db_subnet_groups": groups,
        "route_parity": parity,
        "privatelink_candidates": sorted(candidates, key=lambda c: (c["group"], c["port"])),
    }


def expected(sections: dict, fl: FlowLog, ev: Evaluator) -> dict:
    E = ENI_META
    nat_by_cat: dict = {}
    nat_by_src: dict = {}
    for (cat, nat, src), v in sorted(fl.nat_bytes.items()):
        nat_by_cat[cat] = nat_by_cat.get(cat, 0) + v
        nat_by_src.setdefault(cat, {})
        nat_by_src[cat][f"{src} via {nat}"] = nat_by_src[cat].get(f"{src} via {nat}", 0) + v
    rtb_of = {"app-1": "rtb-app-a", "lambda-a": "rtb-app-a", "app-2": "rtb-app-b", "lambda-b": "rtb-app-b",
              "ecs-1": "rtb-app-b", "app-3": "rtb-app-c"}
    nat_by_rtb: dict = {}
    for (cat, _nat, src), v in sorted(fl.nat_bytes.items()):
        t = nat_by_rtb.setdefault(cat, {})
        t[IDS[rtb_of[src]]] = t.get(IDS[rtb_of[src]], 0) + v
    labels = {"S3": "S3 us-east-1 (gateway-endpoint eligible)", "DYNAMODB": "DynamoDB us-east-1 (gateway-endpoint eligible)",
              "S3-usw2": "S3 us-west-2 (cross-region: not endpoint eligible)",
              "AMAZON": "AMAZON-only us-east-1 (STS/SQS/KMS-like; needs DNS logs to name)",
              "EC2": "EC2 us-east-1 (third-party hosts)", "INTERNET": "non-AWS internet"}
    ids = {
        "vpc": {k: VPC(k) for k in VPCS}, "subnet": {k: SUB(k) for k in SUBNETS},
        "sg": {k: SG(k) for k in SG_DEFS}, "eni": {k: m["id"] for k, m in E.items()},
        "instance": {k: INST(k) for k in INSTANCE_DEFS}, "terminated_instance": INST(TERMINATED[0]),
        **{k: v for k, v in IDS.items() if not k.startswith(("alb", "nlb"))},
        "alb_name": f"app/prod-alb/{IDS['alb']}", "nlb_name": f"net/prod-nlb/{IDS['nlb']}",
        "prefix_list_s3": S3_PL, "prefix_list_dynamodb": DDB_PL,
    }
    ips = {k: {"private": [m["ip"]] + m["secondary"], "ipv4_prefixes": m["prefixes"], "ipv6": m["v6"],
               "public": m["public_ip"]} for k, m in E.items()}

    def q(n, src, dst, proto, port, verdict, why, component=None, code=None, ip_version=4, rule=None):
        return {"id": n, "source": src, "destination": dst, "protocol": proto, "port": port, "verdict": verdict,
                "explanation_code": code, "blocking_component": component, "blocking_rule": rule, "why": why,
                "ip_version": ip_version}

    reach = [
        q(1, "192.0.2.50 (internet)", f"{E['rds-primary']['ip']} rds-primary", "tcp", 5432, "NotReachable",
          "The RDS ENI has no public IPv4 address (nothing for the IGW to map) and the db route table has no route to the internet gateway; SG and NACL would also refuse it.",
          E["rds-primary"]["id"], None),
        q(2, f"{E['app-1']['ip']} app-1", f"{E['rds-primary']['ip']} rds-primary", "tcp", 5432, "Reachable",
          "app-1 egress all; db SG allows 5432 from prod-app-sg; db NACL inbound 100 (10.0.10.0/23) and outbound 100 (ephemeral)."),
        q(3, f"{E['app-3']['ip']} app-3", f"{E['rds-primary']['ip']} rds-primary", "tcp", 5432, "Reachable",
          "db SG group reference (prod-app-sg); db NACL inbound 110 / outbound 110 for 10.0.12.0/24."),
        q(4, f"{E['monitoring']['ip']} shared monitoring", f"{E['rds-primary']['ip']} rds-primary", "tcp", 5432, "Reachable",
          "shared rtb 10.0.0.0/16 -> pcx (active); db SG 5432 from 10.100.0.0/16; db NACL inbound 120 / outbound 120; db rtb routes 10.100.0.0/16 back to the pcx."),
        q(5, f"{E['monitoring']['ip']} shared monitoring", f"{E['rds-replica']['ip']} rds-replica (db-c)", "tcp", 5432, "NotReachable",
          "Forward path is allowed (pcx, SG, NACL 120), but db-c has no explicit route-table association and uses the main table, which has no route to 10.100.0.0/16: the response is dropped.",
          IDS["rtb-main"], "NO_ROUTE_TO_DESTINATION", rule="no route to 10.100.0.0/16 (return path)"),
        q(6, f"{E['bastion']['ip']} bastion", f"{E['rds-primary']['ip']} rds-primary", "tcp", 5432, "NotReachable",
          "db SG allows it (5432 from prod-bastion-sg) and NACL rule 130 would allow 10.0.0.0/16, but inbound rule 50 (deny all from 10.0.0.0/22) matches first.",
          IDS["acl-db"], "SUBNET_ACL_RESTRICTION", rule="inbound rule 50 deny -1 10.0.0.0/22"),
        q(7, "192.0.2.50 (internet)", f"{E['legacy']['public_ip']} legacy EIP ({E['legacy']['ip']})", "tcp", 22, "Reachable",
          "legacy-admin allows 22 from 0.0.0.0/0; public rtb 0.0.0.0/0 -> igw; default NACL; EIP maps to the private IP."),
        q(8, "192.0.2.50 (internet)", f"{E['legacy']['public_ip']} legacy EIP", "tcp", 8080, "NotReachable",
          "legacy-admin opens 8080 to ::/0 only; no IPv4 rule covers 8080.", SG("legacy"), "ENI_SG_RULES_MISMATCH",
          rule="no IPv4 ingress rule for tcp 8080"),
        q(9, "2001:db8:5ca7::1f (internet, IPv6)", f"{E['legacy']['v6'][0]} legacy IPv6", "tcp", 8080, "Reachable",
          "legacy-admin allows 8080 from ::/0; public rtb ::/0 -> igw; default NACL rule 101; the IPv6 address is global.",
          ip_version=6),
        q(10, "192.0.2.50 (internet)", f"{E['bastion']['public_ip']} bastion public IP", "tcp", 22, "NotReachable",
          "prod-bastion-sg allows 22 only from 203.0.113.10/32.", SG("bastion"), "ENI_SG_RULES_MISMATCH"),
        q(11, f"{OFFICE_HQ} (HQ office)", f"{E['bastion']['public_ip']} bastion public IP", "tcp", 22, "Reachable",
          "prod-bastion-sg 22 from 203.0.113.10/32."),
        q(12, "198.51.100.131 (branch office)", f"{E['bastion']['public_ip']} bastion public IP", "tcp", 443, "Reachable",
          f"prod-office-https-sg allows 443 from prefix list {IDS['pl-office']} (office-egress), entry 198.51.100.128/28."),
        q(13, "172.16.5.5 (on-prem via VPN)", f"{E['app-1']['ip']} app-1", "tcp", 443, "Reachable",
          "VPN attachment -> TGW route table 10.0.0.0/16 propagated from the prod VPC attachment -> ENI in app-a; app SG 443 from 172.16.0.0/12; return: app-a rtb 172.16.0.0/12 -> tgw (AZ a has an attachment subnet) -> propagated VPN route."),
        q(14, "172.16.5.5 (on-prem via VPN)", f"{E['app-3']['ip']} app-3", "tcp", 443, "NotReachable",
          "Forward path is delivered (TGW -> attachment ENI in AZ a/b -> app-c), and the app SG allows it, but the response from app-3 must enter the TGW from us-east-1c, where the VPC attachment has no subnet: it is dropped. Same verdict for any traffic app-3 initiates towards 172.16.0.0/12.",
          IDS["att-vpc"], "TGW_ROUTE_AZ_RESTRICTION", rule=f"{IDS['rtb-app-c']} route 172.16.0.0/12 -> {IDS['tgw']} (return path)"),
        q(15, f"{E['app-1']['ip']} app-1", "192.168.10.10", "tcp", 443, "NotReachable",
          "app-a rtb sends 192.168.0.0/16 to the TGW; the TGW route table has a static blackhole for 192.168.0.0/16.",
          IDS["tgw-rtb"], "BAD_STATE_ROUTE", rule="static 192.168.0.0/16 blackhole"),
        q(16, f"{E['app-3']['ip']} app-3", f"{E['efs-a']['ip']} EFS mount target (app-a)", "tcp", 2049, "NotReachable",
          "The mount target carries only the VPC default SG, whose only inbound rule is the self-reference; app-3 is not in the default SG.",
          SG("prod-default"), "ENI_SG_RULES_MISMATCH"),
        q(17, f"{E['app-1']['ip']} app-1", f"{E['efs-a']['ip']} EFS mount target (app-a)", "tcp", 2049, "Reachable",
          "app-1 carries the default SG too, so the self-referencing rule matches; same subnet, so no NACL."),
        q(18, f"{E['app-1']['ip']} app-1", f"{E['directory']['ip']} shared AD/DNS", "tcp", 389, "Reachable",
          "shared-directory-sg allows 389 from prod-app-sg across the active peering (cross-VPC SG reference); app-a rtb 10.100.0.0/16 -> pcx; shared rtb 10.0.0.0/16 -> pcx."),
        q(19, f"{E['app-1']['ip']} app-1", "10.200.0.5 (partner VPC)", "tcp", 443, "NotReachable",
          f"No route to 10.200.0.0/16: the partner peering {IDS['pcx-partner']} is still pending-acceptance and no route table uses it.",
          IDS["rtb-app-a"], "NO_ROUTE_TO_DESTINATION"),
        q(20, "192.0.2.50 (internet)", f"{E['app-1']['ip']} app-1", "tcp", 8080, "NotReachable",
          "app-1 has no public IP (nothing for the IGW to map) and its subnet routes 0.0.0.0/0 to a NAT gateway, which drops unsolicited inbound. The ALB path (internet -> ALB 443 -> app 8080) is the Reachable one.",
          E["app-1"]["id"], None),
        q(21, f"{E['app-1']['ip']} app-1", "52.217.161.42 (S3 us-east-1)", "tcp", 443, "Reachable",
          f"via the S3 gateway endpoint {IDS['vpce-s3']} (route {S3_PL} in the app-a table; longest prefix 52.216.0.0/15 beats 0.0.0.0/0)."),
        q(22, f"{E['app-3']['ip']} app-3", "52.217.161.42 (S3 us-east-1)", "tcp", 443, "Reachable",
          f"via NAT gateway {IDS['nat-b']} in us-east-1b (the app-c table has no S3 endpoint route): billed NAT processing + cross-AZ."),
        q(23, f"{E['app-1']['ip']} app-1", f"{E['cache-1']['ip']} ElastiCache", "tcp", 6379, "Reachable",
          "prod-cache-sg allows 6379 from prod-app-sg; the cache SG has no outbound rules, which does not matter for responses (stateful)."),
    ]
    # the SG/NACL parts of the verdicts are re-checked with the evaluator
    assert ev.sg_allows("rds-primary", False, TCP, 5432, E["app-1"]["ip"])
    assert ev.nacl_rule("db-a", False, TCP, 5432, E["bastion"]["ip"]) == ("deny", 50)
    assert ev.sg_allows("rds-primary", False, TCP, 5432, E["bastion"]["ip"])
    assert not ev.sg_allows("legacy", False, TCP, 8080, "192.0.2.50")
    assert ev.sg_allows("legacy", False, TCP, 8080, "2001:db8:5ca7::1f")
    assert ev.sg_allows("bastion", False, TCP, 443, "198.51.100.131")
    assert not ev.sg_allows("efs-a", False, TCP, 2049, E["app-3"]["ip"])
    assert ev.sg_allows("efs-a", False, TCP, 2049, E["app-1"]["ip"])
    assert ev.sg_allows("directory", False, TCP, 389, E["app-1"]["ip"])
    assert ev.nacl_allows("db-c", False, TCP, 5432, E["monitoring"]["ip"])

    open_rules = [
        {"group": SG("legacy"), "name": "legacy-admin", "rule": "tcp 22 from 0.0.0.0/0", "severity": "CRITICAL",
         "why": "SSH from the internet; attached to legacy-admin-01 (EIP, public subnet with IGW route)."},
        {"group": SG("legacy"), "name": "legacy-admin", "rule": "tcp 3389 from 0.0.0.0/0", "severity": "CRITICAL",
         "why": "RDP from the internet; same exposed instance."},
        {"group": SG("legacy"), "name": "legacy-admin", "rule": "tcp 8080 from ::/0", "severity": "CRITICAL",
         "why": "High-risk port (Security Hub EC2.19, critical) open to all of IPv6 while closed on IPv4 (IPv6 parity); reachable: the instance has a global IPv6 address and the public table routes ::/0 to the IGW."},
        {"group": SG("prod-default"), "name": "default (prod)", "rule": "all traffic from itself; egress all (v4+v6)", "severity": "HIGH",
         "why": "Default security group has rules and is in use (EFS mount targets, app-1, app-2): Security Hub EC2.2 (high)."},
        {"group": SG("unused"), "name": "prod-old-migration-sg", "rule": "tcp 3306 from 10.0.0.0/16; tcp 5432 from 10.50.0.0/16", "severity": "LOW",
         "why": "Unused: attached to no ENI and referenced by no other group (EC2.22)."},
        {"group": SG("db"), "name": "prod-db-sg", "rule": "tcp 5432 from 10.0.10.0/24", "severity": "LOW",
         "why": "CIDR rule where the prod-app-sg reference already covers the app servers (tighter); it also admits every other ENI in app-a (Lambda, NLB, TGW, endpoint ENIs)."},
        {"group": SG("app"), "name": "prod-app-sg", "rule": "tcp 443 from 10.0.0.0/16", "severity": "LOW",
         "why": "Whole-VPC source for the NLB health checks; the NLB node addresses are three /32s."},
        {"group": SG("directory"), "name": "shared-directory-sg", "rule": "tcp/udp 53 from 10.0.0.0/8", "severity": "INFORMATIONAL",
         "why": "Broad private range (only 10.0.0.0/16 and 10.100.0.0/16 exist)."},
    ]
    not_findings = [
        {"group": SG("alb"), "rule": "tcp 80/443 from 0.0.0.0/0 and ::/0", "why": "web ports on an internet-facing ALB (allow-listed 80/443)"},
        {"group": SG("cache"), "rule": "no outbound rules", "why": "allowed: responses are stateful; informational at most"},
        {"group": IDS["acl-db"], "rule": "inbound rule 50 deny 10.0.0.0/22 before 130 allow 10.0.0.0/16",
         "why": "ordering is intentional: shadows part of rule 130 (report as shadowing, not as an exposure)"},
    ]
    nacl_findings = [
        {"acl": IDS["acl-prod-default"], "why": "default NACL allows all inbound (22/3389 included) from 0.0.0.0/0 and ::/0 on the public and app subnets"},
    ]
    return {
        "generated_by": "samples/demo/generate.py",
        "account": ACCOUNT, "region": REGION, "flow_log_day": "2026-11-21",
        "ids": ids, "addresses": ips,
        "route_tables_without_s3_endpoint": {
            "prod": [IDS["rtb-app-c"], IDS["rtb-db"], IDS["rtb-main"], IDS["rtb-pub"]],
            "with": [IDS["rtb-app-a"], IDS["rtb-app-b"]],
            "subnets_affected": {"app-c": SUB("app-c"), "db-a": SUB("db-a"), "db-b": SUB("db-b"),
                                 "db-c (main table, implicit)": SUB("db-c"), "public a/b/c": [SUB("pub-a"), SUB("pub-b"), SUB("pub-c")]},
            "with_nat_traffic_to_s3": [IDS["rtb-app-c"]],
        },
        "dynamodb_endpoint": None,
        "tgw_az_without_attachment_subnet": {"az": AZS["c"][0], "az_id": AZS["c"][1], "attachment": IDS["att-vpc"],
                                            "subnets_in_that_az": [SUB("pub-c"), SUB("app-c"), SUB("db-c")]},
        "db_c_uses_main_route_table": {"subnet": SUB("db-c"), "route_table": IDS["rtb-main"]},
        "disassociated_cidr": {"vpc": VPC("prod"), "cidr": "10.99.0.0/16"},
        "overly_open_rules": open_rules, "not_findings": not_findings, "nacl_findings": nacl_findings,
        "reachability": reach,
        "nat_bytes_by_service": {cat: {"label": labels[cat], "bytes": v, "GB": round(v / 1e9, 2)}
                                 for cat, v in sorted(nat_by_cat.items(), key=lambda kv: -kv[1])},
        "nat_bytes_by_service_and_source": nat_by_src,
        "nat_bytes_definition": "bytes of the flow as logged on the client ENI (request + response), counted once per flow; "
                                "equal to the NAT ENI's internet-side records (srcaddr or dstaddr = NAT private IP and the other a public address).",
        "nat_bytes_by_route_table": nat_by_rtb,
        "endpoint_plan": {
            "s3_gateway": {"action": f"associate existing {IDS['vpce-s3']} with {IDS['rtb-app-c']}",
                           "daily_bytes": nat_by_rtb.get("S3", {}).get(IDS["rtb-app-c"], 0)},
            "dynamodb_gateway": {"action": f"create a com.amazonaws.{REGION}.dynamodb gateway endpoint for "
                                           f"{IDS['rtb-app-a']}, {IDS['rtb-app-b']}, {IDS['rtb-app-c']}",
                                 "daily_bytes": nat_by_cat.get("DYNAMODB", 0)},
            "not_eligible": {"S3 us-west-2 (other region)": nat_by_cat.get("S3-usw2", 0),
                             "EC2 us-east-1 (third-party hosts)": nat_by_cat.get("EC2", 0),
                             "non-AWS internet": nat_by_cat.get("INTERNET", 0)},
            "unattributed_same_region_aws": {"bytes": nat_by_cat.get("AMAZON", 0),
                                             "note": "AMAZON-only prefixes: the service cannot be named from flow logs; "
                                                     "~30x daily is far below one interface endpoint's break-even (~209 GB/month per AZ)"},
            "existing_endpoints": {IDS["vpce-ssm"]: "interface endpoint with traffic (not idle, not re-recommended)",
                                   IDS["vpce-s3"]: "gateway endpoint with traffic from app-1/app-2"},
            "nat_gateways_still_needed": [IDS["nat-a"], IDS["nat-b"]],
        },
        "s3_gateway_endpoint_bytes": dict(sorted(fl.gwe_bytes.items())),
        "igw_direct_bytes": {f"{'internet' if svc == '-' else svc} from {src}": v for (svc, src), v in sorted(fl.igw_bytes.items())},
        "flow_records": dict(fl.counts, total=len(fl.records)),
        **practices(sections, fl, ev),
        "transfer_cost": transfer_cost(sections, fl, ev),
    }


# ───────────────────────────── writing ─────────────────────────────

def dump(obj) -> str:
    return json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_all(ipr_path: str):
    ipr = IpRanges(ipr_path)
    for k, ip in PUBLIC.items():
        assert ipr.lookup(ip) == ("EC2", REGION), f"public address {k} {ip} is not EC2 {REGION} in ip-ranges"
    sections = build_sections(ipr)
    for d in (CONFIG_DIR, FLOW_ROOT):
        if os.path.isdir(d):
            shutil.rmtree(d)
    os.makedirs(CONFIG_DIR)
    for key, value in sections.items():
        with open(os.path.join(CONFIG_DIR, key + ".json"), "w", encoding="utf-8", newline="\n") as f:
            f.write(dump({key: value}))
    ev = Evaluator(sections)
    fl = generate_flows(ipr, ev)
    files = write_flow_files(fl)
    exp = expected(sections, fl, ev)
    exp["ip_ranges"] = {"file": os.path.basename(ipr_path), "syncToken": ipr.sync_token}
    with open(EXPECTED, "w", encoding="utf-8", newline="\n") as f:
        f.write(dump(exp))
    return sections, files


# ───────────────────────────── checks ─────────────────────────────

OPERATION_OF = {
    "Vpcs": "DescribeVpcs", "Subnets": "DescribeSubnets", "RouteTables": "DescribeRouteTables",
    "NetworkAcls": "DescribeNetworkAcls", "SecurityGroups": "DescribeSecurityGroups",
    "NetworkInterfaces": "DescribeNetworkInterfaces", "Reservations": "DescribeInstances",
    "InternetGateways": "DescribeInternetGateways", "EgressOnlyInternetGateways": "DescribeEgressOnlyInternetGateways",
    "NatGateways": "DescribeNatGateways", "VpcEndpoints": "DescribeVpcEndpoints",
    "VpcPeeringConnections": "DescribeVpcPeeringConnections", "TransitGateways": "DescribeTransitGateways",
    "TransitGatewayAttachments": "DescribeTransitGatewayAttachments",
    "TransitGatewayVpcAttachments": "DescribeTransitGatewayVpcAttachments",
    "TransitGatewayRouteTables": "DescribeTransitGatewayRouteTables", "PrefixLists": "DescribeManagedPrefixLists",
    "VpnGateways": "DescribeVpnGateways", "VpnConnections": "DescribeVpnConnections",
    "CustomerGateways": "DescribeCustomerGateways", "FlowLogs": "DescribeFlowLogs",
}
# sections of other services than EC2, each checked against its own model
RDS_OPERATION_OF = {"DBSubnetGroups": "DescribeDBSubnetGroups"}
# our per-parent wrappers: wrapper key -> (inner list key, operation whose output shape the inner items use)
WRAPPERS = {
    "TransitGatewayPropagations": ("TransitGatewayRouteTablePropagations", "GetTransitGatewayRouteTablePropagations", "TransitGatewayRouteTableId"),
    "TransitGatewayRouteTableAssociations": ("Associations", "GetTransitGatewayRouteTableAssociations", "TransitGatewayRouteTableId"),
    "TransitGatewayStaticRoutes": ("Routes", "SearchTransitGatewayRoutes", "TransitGatewayRouteTableId"),
    "TransitGatewayPropagatedRoutes": ("Routes", "SearchTransitGatewayRoutes", "TransitGatewayRouteTableId"),
    "PrefixListEntries": ("Entries", "GetManagedPrefixListEntries", "PrefixListId"),
}
# enum values that real AWS data spells differently from the (older) model
ENUM_REAL_DATA = {("NetworkInterfaceType", "nat_gateway"), ("AttachmentStatus", "available"),
                  ("PlatformValues", "windows")}


class ModelCheck:
    def __init__(self, path, operations=None):
        with (gzip.open(path, "rt", encoding="utf-8") if path.endswith(".gz") else open(path, encoding="utf-8")) as f:
            m = json.load(f)
        self.operations = operations or OPERATION_OF
        self.shapes, self.ops = m["shapes"], m["operations"]
        self.errors, self.notes = [], []

    def walk(self, value, shape_name, where):
        s = self.shapes[shape_name]
        t = s["type"]
        if t == "structure":
            if not isinstance(value, dict):
                self.errors.append(f"{where}: expected object for {shape_name}")
                return
            for k, v in value.items():
                if k not in s["members"]:
                    self.errors.append(f"{where}.{k}: unknown member of {shape_name}")
                else:
                    self.walk(v, s["members"][k]["shape"], f"{where}.{k}")
        elif t == "list":
            if not isinstance(value, list):
                self.errors.append(f"{where}: expected array for {shape_name}")
                return
            for i, v in enumerate(value):
                self.walk(v, s["member"]["shape"], f"{where}[{i}]")
        elif t in ("integer", "long"):
            if not isinstance(value, int) or isinstance(value, bool):
                self.errors.append(f"{where}: expected integer")
        elif t == "boolean":
            if not isinstance(value, bool):
                self.errors.append(f"{where}: expected boolean")
        elif t in ("string", "timestamp"):
            if not isinstance(value, str):
                self.errors.append(f"{where}: expected string")
            elif "enum" in s and value not in s["enum"]:
                if (shape_name, value) in ENUM_REAL_DATA:
                    self.notes.append(f"{where}: '{value}' not in model enum {shape_name} (real-data spelling, kept)")
                else:
                    self.errors.append(f"{where}: '{value}' not in enum {shape_name}")

    def output_member(self, op, key):
        out = self.shapes[self.ops[op]["output"]["shape"]]
        return out["members"][key]["shape"]

    def check_file(self, key, doc):
        if key in self.operations:
            self.walk(doc[key], self.output_member(self.operations[key], key), key)
        elif key in WRAPPERS:
            inner, op, parent = WRAPPERS[key]
            for i, item in enumerate(doc[key]):
                for k, v in item.items():
                    where = f"{key}[{i}].{k}"
                    if k == parent:
                        if not isinstance(v, str):
                            self.errors.append(f"{where}: expected string")
                    elif k == inner or k == "AdditionalRoutesAvailable":
                        self.walk(v, self.output_member(op, k), where)
                    else:
                        self.errors.append(f"{where}: unknown member of wrapper {key}")
        else:
            self.errors.append(f"{key}: no model mapping")


ID_RE = re.compile(r"^(vpc|subnet|rtb|acl|sg|eni|i|igw|eigw|nat|eipalloc|vpce|pcx|tgw|tgw-attach|tgw-rtb|pl|vgw|cgw|vpn|fl)-[0-9a-f]{8,17}$")


def check_all(model_path: str | None, verbose=True, rds_model_path: str | None = None) -> int:
    errors, notes = [], []
    docs = {}
    for name in sorted(os.listdir(CONFIG_DIR)):
        with open(os.path.join(CONFIG_DIR, name), encoding="utf-8") as f:
            doc = json.load(f)
        key = name[:-5]
        if list(doc) != [key]:
            errors.append(f"{name}: top-level key should be {key}")
        docs[key] = doc[key]

    # 1. model member names
    if model_path and os.path.exists(model_path):
        mc = ModelCheck(model_path)
        for key in sorted(k for k in docs if k not in RDS_OPERATION_OF):
            mc.check_file(key, {key: docs[key]})
        errors += mc.errors
        notes += mc.notes
    else:
        notes.append("botocore model not found: member-name check skipped")
    if rds_model_path and os.path.exists(rds_model_path):
        rc = ModelCheck(rds_model_path, RDS_OPERATION_OF)
        for key in sorted(k for k in docs if k in RDS_OPERATION_OF):
            rc.check_file(key, {key: docs[key]})
        errors += rc.errors
        notes += rc.notes
    else:
        notes.append("botocore RDS model not found: member-name check of DBSubnetGroups skipped")

    # 2. ids: defined once, every reference resolves
    defined = {}
    def define(i, what):
        if i in defined:
            errors.append(f"duplicate id {i} ({what} and {defined[i]})")
        defined[i] = what
    for v in docs["Vpcs"]: define(v["VpcId"], "vpc")
    for s in docs["Subnets"]: define(s["SubnetId"], "subnet")
    for t in docs["RouteTables"]: define(t["RouteTableId"], "rtb")
    for a in docs["NetworkAcls"]: define(a["NetworkAclId"], "acl")
    for g in docs["SecurityGroups"]: define(g["GroupId"], "sg")
    for e in docs["NetworkInterfaces"]: define(e["NetworkInterfaceId"], "eni")
    for r in docs["Reservations"]:
        for i in r["Instances"]: define(i["InstanceId"], "instance")
    for g in docs["InternetGateways"]: define(g["InternetGatewayId"], "igw")
    for g in docs["EgressOnlyInternetGateways"]: define(g["EgressOnlyInternetGatewayId"], "eigw")
    for n in docs["NatGateways"]:
        define(n["NatGatewayId"], "nat")
        for a in n["NatGatewayAddresses"]: define(a["AllocationId"], "eipalloc")
    for e in docs["NetworkInterfaces"]:
        a = e.get("Association", {})
        if "AllocationId" in a and a["AllocationId"] not in defined:
            define(a["AllocationId"], "eipalloc")
    for v in docs["VpcEndpoints"]: define(v["VpcEndpointId"], "vpce")
    for p in docs["VpcPeeringConnections"]: define(p["VpcPeeringConnectionId"], "pcx")
    for t in docs["TransitGateways"]: define(t["TransitGatewayId"], "tgw")
    for t in docs["TransitGatewayAttachments"]: define(t["TransitGatewayAttachmentId"], "tgw-attach")
    for t in docs["TransitGatewayRouteTables"]: define(t["TransitGatewayRouteTableId"], "tgw-rtb")
    for p in docs["PrefixLists"]: define(p["PrefixListId"], "pl")
    for v in docs["VpnGateways"]: define(v["VpnGatewayId"], "vgw")
    for v in docs["VpnConnections"]: define(v["VpnConnectionId"], "vpn")
    for c in docs["CustomerGateways"]: define(c["CustomerGatewayId"], "cgw")
    for f in docs["FlowLogs"]: define(f["FlowLogId"], "fl")
    foreign = {PARTNER_VPC_ID}

    def refs(x, where):
        if isinstance(x, dict):
            for k, v in x.items():
                refs(v, f"{where}.{k}")
        elif isinstance(x, list):
            for i, v in enumerate(x):
                refs(v, f"{where}[{i}]")
        elif isinstance(x, str) and ID_RE.match(x) and x not in defined and x not in foreign:
            errors.append(f"{where}: unresolved id {x}")
    for key, v in docs.items():
        refs(v, key)

    # association / attachment consistency
    vpc_of_subnet = {s["SubnetId"]: s["VpcId"] for s in docs["Subnets"]}
    explicit = {}
    mains = {}
    for t in docs["RouteTables"]:
        for a in t["Associations"]:
            if a.get("Main"):
                if t["VpcId"] in mains:
                    errors.append(f"two main route tables in {t['VpcId']}")
                mains[t["VpcId"]] = t["RouteTableId"]
            else:
                if a["SubnetId"] in explicit:
                    errors.append(f"subnet {a['SubnetId']} has two route-table associations")
                explicit[a["SubnetId"]] = t["RouteTableId"]
                if vpc_of_subnet[a["SubnetId"]] != t["VpcId"]:
                    errors.append(f"{t['RouteTableId']} associated with a subnet of another VPC")
    for v in docs["Vpcs"]:
        if v["VpcId"] not in mains:
            errors.append(f"{v['VpcId']} has no main route table")
    acl_assoc = {}
    for a in docs["NetworkAcls"]:
        for s in a["Associations"]:
            if s["SubnetId"] in acl_assoc:
                errors.append(f"subnet {s['SubnetId']} has two NACLs")
            acl_assoc[s["SubnetId"]] = a["NetworkAclId"]
    for s in docs["Subnets"]:
        if s["SubnetId"] not in acl_assoc:
            errors.append(f"subnet {s['SubnetId']} has no NACL association")
    # DB subnet groups: subnets of the group's VPC, in the zones RDS reports for them
    subnet_of = {s["SubnetId"]: s for s in docs["Subnets"]}
    for g in docs.get("DBSubnetGroups", []):
        for x in g["Subnets"]:
            sub = subnet_of.get(x["SubnetIdentifier"])
            if sub is None:
                continue      # already reported as an unresolved id
            if sub["VpcId"] != g["VpcId"]:
                errors.append(f"DB subnet group {g['DBSubnetGroupName']}: {sub['SubnetId']} is in another VPC")
            if sub["AvailabilityZone"] != x["SubnetAvailabilityZone"]["Name"]:
                errors.append(f"DB subnet group {g['DBSubnetGroupName']}: {sub['SubnetId']} is not in {x['SubnetAvailabilityZone']['Name']}")
    gw_rt = set()
    for t in docs["RouteTables"]:
        for r in t["Routes"]:
            if r.get("DestinationPrefixListId"):
                gw_rt.add((r["GatewayId"], t["RouteTableId"]))
    for v in docs["VpcEndpoints"]:
        for rt in v["RouteTableIds"]:
            if (v["VpcEndpointId"], rt) not in gw_rt:
                errors.append(f"{v['VpcEndpointId']} lists {rt} but the table has no prefix-list route to it")
    for g, rt in gw_rt:
        if not any(v["VpcEndpointId"] == g and rt in v["RouteTableIds"] for v in docs["VpcEndpoints"]):
            errors.append(f"{rt} routes to {g} but the endpoint does not list it")

    # 3. addresses: inside the subnet, not reserved, unique
    subnet = {s["SubnetId"]: s for s in docs["Subnets"]}
    seen = {}
    def claim(ip, owner):
        if ip in seen:
            errors.append(f"duplicate address {ip}: {owner} and {seen[ip]}")
        seen[ip] = owner
    for e in docs["NetworkInterfaces"]:
        s = subnet.get(e["SubnetId"])
        if s is None:
            continue      # already reported as an unresolved id
        net = ipaddress.ip_network(s["CidrBlock"])
        reserved = {net.network_address + i for i in range(4)} | {net.broadcast_address}
        if e["VpcId"] != s["VpcId"]:
            errors.append(f"{e['NetworkInterfaceId']}: VpcId differs from its subnet's")
        if e["AvailabilityZone"] != s["AvailabilityZone"]:
            errors.append(f"{e['NetworkInterfaceId']}: AZ differs from its subnet's")
        for p in e["PrivateIpAddresses"]:
            a = ipaddress.ip_address(p["PrivateIpAddress"])
            if a not in net:
                errors.append(f"{e['NetworkInterfaceId']}: {a} outside {net}")
            if a in reserved:
                errors.append(f"{e['NetworkInterfaceId']}: {a} is a reserved address of {net}")
            claim(str(a), e["NetworkInterfaceId"])
        for p in e.get("Ipv4Prefixes", []):
            pn = ipaddress.ip_network(p["Ipv4Prefix"])
            if not pn.subnet_of(net):
                errors.append(f"{e['NetworkInterfaceId']}: prefix {pn} outside {net}")
            for a in pn:
                if a in reserved:
                    errors.append(f"{e['NetworkInterfaceId']}: prefix {pn} covers reserved {a}")
                claim(str(a), e["NetworkInterfaceId"] + " (prefix)")
        v6nets = [ipaddress.ip_network(x["Ipv6CidrBlock"]) for x in s["Ipv6CidrBlockAssociationSet"]]
        for x in e["Ipv6Addresses"]:
            a = ipaddress.ip_address(x["Ipv6Address"])
            if not any(a in n for n in v6nets):
                errors.append(f"{e['NetworkInterfaceId']}: {a} outside the subnet's IPv6 CIDR")
            claim(str(a), e["NetworkInterfaceId"])
        if "Association" in e:
            claim(e["Association"]["PublicIp"], e["NetworkInterfaceId"] + " (public)")
    for n in docs["NatGateways"]:
        for a in n["NatGatewayAddresses"]:
            eni = next(e for e in docs["NetworkInterfaces"] if e["NetworkInterfaceId"] == a["NetworkInterfaceId"])
            if eni["PrivateIpAddress"] != a["PrivateIp"] or eni["Association"]["PublicIp"] != a["PublicIp"]:
                errors.append(f"{n['NatGatewayId']}: address does not match its ENI")
            if eni["SubnetId"] != n["SubnetId"]:
                errors.append(f"{n['NatGatewayId']}: ENI in another subnet")
    for s in docs["Subnets"]:
        vpc = next(v for v in docs["Vpcs"] if v["VpcId"] == s["VpcId"])
        blocks = [ipaddress.ip_network(c["CidrBlock"]) for c in vpc["CidrBlockAssociationSet"]
                  if c["CidrBlockState"]["State"] == "associated"]
        if not any(ipaddress.ip_network(s["CidrBlock"]).subnet_of(b) for b in blocks):
            errors.append(f"{s['SubnetId']} outside its VPC's associated CIDRs")
    # instances agree with their ENIs
    enis = {e["NetworkInterfaceId"]: e for e in docs["NetworkInterfaces"]}
    for r in docs["Reservations"]:
        for i in r["Instances"]:
            for n in i["NetworkInterfaces"]:
                e = enis.get(n["NetworkInterfaceId"])
                if not e:
                    errors.append(f"{i['InstanceId']}: ENI {n['NetworkInterfaceId']} missing")
                    continue
                if e["Attachment"].get("InstanceId") != i["InstanceId"]:
                    errors.append(f"{i['InstanceId']}: ENI attachment names another instance")
                if [p["PrivateIpAddress"] for p in e["PrivateIpAddresses"]] != [p["PrivateIpAddress"] for p in n["PrivateIpAddresses"]]:
                    errors.append(f"{i['InstanceId']}: private IPs differ from the ENI's")
                if i.get("SubnetId") != e["SubnetId"] or i.get("PrivateIpAddress") != e["PrivateIpAddress"]:
                    errors.append(f"{i['InstanceId']}: subnet/primary IP differ from the ENI's")
    for e in docs["NetworkInterfaces"]:
        iid = e["Attachment"].get("InstanceId")
        if iid and defined.get(iid) != "instance":
            errors.append(f"{e['NetworkInterfaceId']}: attached to unknown instance {iid}")
        for g in e["Groups"]:
            sg = next((x for x in docs["SecurityGroups"] if x["GroupId"] == g["GroupId"]), None)
            if sg is None or sg["VpcId"] != e["VpcId"] or sg["GroupName"] != g["GroupName"]:
                errors.append(f"{e['NetworkInterfaceId']}: group {g['GroupId']} not in its VPC or misnamed")

    # 4. flow logs
    fl_files = []
    for root, _dirs, files in os.walk(FLOW_ROOT):
        fl_files += [os.path.join(root, f) for f in files]
    eni_ips = {}
    for e in docs["NetworkInterfaces"]:
        ips = {p["PrivateIpAddress"] for p in e["PrivateIpAddresses"]} | {x["Ipv6Address"] for x in e["Ipv6Addresses"]}
        nets = [ipaddress.ip_network(p["Ipv4Prefix"]) for p in e.get("Ipv4Prefixes", [])]
        eni_ips[e["NetworkInterfaceId"]] = (ips, nets)
    total_gz = 0
    n_records = 0
    name_re = re.compile(rf"^{ACCOUNT}_vpcflowlogs_{REGION}_(fl-[0-9a-f]{{17}})_20261121T(\d\d)00Z_[0-9a-f]{{8}}\.log\.gz$")
    for path in sorted(fl_files):
        total_gz += os.path.getsize(path)
        m = name_re.match(os.path.basename(path))
        if not m:
            errors.append(f"bad flow-log object name {path}")
            continue
        if defined.get(m.group(1)) != "fl":
            errors.append(f"{path}: unknown flow log id")
        hour0 = DAY0 + int(m.group(2)) * 3600
        with gzip.open(path, "rt", encoding="ascii") as f:
            lines = f.read().splitlines()
        if lines[0] != " ".join(FLOW_FIELDS):
            errors.append(f"{path}: header differs from the flow log's LogFormat")
        for ln in lines[1:]:
            n_records += 1
            f = ln.split(" ")
            if len(f) != len(FLOW_FIELDS) or f[0] != "5":
                errors.append(f"{path}: bad record {ln}")
                continue
            r = dict(zip(FLOW_FIELDS, f))
            if r["interface-id"] not in enis:
                errors.append(f"unknown interface in {ln}")
                continue
            if not (hour0 <= int(r["start"]) <= int(r["end"]) < hour0 + 3600):
                errors.append(f"record outside its hour: {ln}")
            if r["log-status"] != "OK":
                continue
            ips, nets = eni_ips[r["interface-id"]]
            mine = lambda a: a in ips or any(ipaddress.ip_address(a) in n for n in nets if ":" not in a)
            if not (mine(r["srcaddr"]) or mine(r["dstaddr"])):
                # a TGW attachment ENI carries transit traffic: one side must then be inside its VPC
                vpc_net = ipaddress.ip_network(next(v["CidrBlock"] for v in docs["Vpcs"] if v["VpcId"] == enis[r["interface-id"]]["VpcId"]))
                inside = lambda a: ":" not in a and ipaddress.ip_address(a) in vpc_net
                if not (enis[r["interface-id"]]["InterfaceType"] == "transit_gateway"
                        and (inside(r["srcaddr"]) or inside(r["dstaddr"]))):
                    errors.append(f"record addresses not on its ENI: {ln}")
    if total_gz > 5 * 1024 * 1024:
        errors.append(f"flow logs are {total_gz} bytes compressed (> 5 MB)")

    if verbose:
        for n in notes:
            print("note:", n)
        for e in errors[:200]:
            print("ERROR:", e)
        print(f"checked {len(docs)} sections, {len(defined)} ids, {len(seen)} addresses, "
              f"{len(fl_files)} flow-log objects, {n_records} records, {total_gz} bytes gz: "
              f"{'OK' if not errors else str(len(errors)) + ' error(s)'}")
    return 1 if errors else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ip_ranges", nargs="?", help="path to ip-ranges.json (default: tests/fixtures copy, else /work/shared/data)")
    ap.add_argument("--check", action="store_true", help="only validate the files on disk")
    ap.add_argument("--model", help="botocore EC2 service-2.json (default: Debian python3-botocore path, else the botocore module's)")
    ap.add_argument("--rds-model", help="botocore RDS service-2.json (default: as for --model)")
    a = ap.parse_args(argv)
    model = a.model or next((p for p in BOTOCORE_MODEL_CANDIDATES if os.path.exists(p)), None) or botocore_model("ec2", "2016-11-15")
    rds_model = a.rds_model or botocore_model("rds", "2014-10-31")
    if not a.check:
        path = find_ip_ranges(a.ip_ranges)
        write_all(path)
        print(f"wrote {CONFIG_DIR}, {FLOW_ROOT}, {EXPECTED} (ip-ranges: {path})")
    return check_all(model, rds_model_path=rds_model)


if __name__ == "__main__":
    sys.exit(main())
