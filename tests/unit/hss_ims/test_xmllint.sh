#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# test_xmllint.sh CX_TEST SH_TEST XSD_DIR: run the Cx and Sh XML tests with IMS_XML_OUT so
# they save every document they build, validate each with `xmllint --schema` against the
# XSDs of hss/ims/xsd, and check that xmllint refuses documents that break the schemas
# (wrong order, bad enumeration, missing mandatory element, two conditions in an SPT).
set -u
command -v xmllint >/dev/null 2>&1 || { echo "SKIP: xmllint not installed (Debian libxml2-utils)"; exit 77; }
cx_test=$1 sh_test=$2 xsd=$3
out=$(mktemp -d) || exit 1
trap 'rm -rf "$out"' EXIT
IMS_XML_OUT=$out "$cx_test" >/dev/null || { echo "FAIL: $cx_test"; exit 1; }
IMS_XML_OUT=$out "$sh_test" >/dev/null || { echo "FAIL: $sh_test"; exit 1; }

fail=0 n=0
for f in "$out"/cx_*.xml "$out"/sh_*.xml; do
	[ -e "$f" ] || continue
	case $(basename "$f") in cx_*) s=$xsd/CxDataType.xsd ;; *) s=$xsd/ShDataType.xsd ;; esac
	if ! xmllint --noout --nonet --schema "$s" "$f" 2>"$out/err"; then
		echo "FAIL: $(basename "$f") does not validate against $(basename "$s"):"
		cat "$out/err"; cat "$f"; echo
		fail=1
	fi
	n=$((n + 1))
done
[ "$n" -ge 18 ] || { echo "FAIL: only $n documents were saved"; fail=1; }

# Broken documents the schemas must refuse.
bad() { # name schema document
	printf '%s' "$3" >"$out/bad.xml"
	if xmllint --noout --nonet --schema "$xsd/$2" "$out/bad.xml" 2>/dev/null; then
		echo "FAIL: xmllint accepted the broken document '$1'"
		fail=1
	fi
}
id='<PrivateID>a@b.c</PrivateID>'
pi='<PublicIdentity><Identity>sip:a@b.c</Identity></PublicIdentity>'
as='<ApplicationServer><ServerName>sip:as@b.c</ServerName></ApplicationServer>'
bad "ServiceProfile before PrivateID" CxDataType.xsd "<IMSSubscription><ServiceProfile>$pi</ServiceProfile>$id</IMSSubscription>"
bad "no ServiceProfile" CxDataType.xsd "<IMSSubscription>$id</IMSSubscription>"
bad "IdentityType 5" CxDataType.xsd "<IMSSubscription>$id<ServiceProfile><PublicIdentity><Identity>sip:a@b.c</Identity><Extension><IdentityType>5</IdentityType></Extension></PublicIdentity></ServiceProfile></IMSSubscription>"
bad "Barring after Identity" CxDataType.xsd "<IMSSubscription>$id<ServiceProfile><PublicIdentity><Identity>sip:a@b.c</Identity><BarringIndication>1</BarringIndication></PublicIdentity></ServiceProfile></IMSSubscription>"
bad "iFC without AS" CxDataType.xsd "<IMSSubscription>$id<ServiceProfile>$pi<InitialFilterCriteria><Priority>0</Priority></InitialFilterCriteria></ServiceProfile></IMSSubscription>"
bad "negative priority" CxDataType.xsd "<IMSSubscription>$id<ServiceProfile>$pi<InitialFilterCriteria><Priority>-1</Priority>$as</InitialFilterCriteria></ServiceProfile></IMSSubscription>"
bad "SPT with two conditions" CxDataType.xsd "<IMSSubscription>$id<ServiceProfile>$pi<InitialFilterCriteria><Priority>0</Priority><TriggerPoint><ConditionTypeCNF>0</ConditionTypeCNF><SPT><Group>0</Group><Method>INVITE</Method><RequestURI>x</RequestURI></SPT></TriggerPoint>$as</InitialFilterCriteria></ServiceProfile></IMSSubscription>"
bad "SessionCase 5" CxDataType.xsd "<IMSSubscription>$id<ServiceProfile>$pi<InitialFilterCriteria><Priority>0</Priority><TriggerPoint><ConditionTypeCNF>0</ConditionTypeCNF><SPT><Group>0</Group><SessionCase>5</SessionCase></SPT></TriggerPoint>$as</InitialFilterCriteria></ServiceProfile></IMSSubscription>"
bad "three RegistrationType" CxDataType.xsd "<IMSSubscription>$id<ServiceProfile>$pi<InitialFilterCriteria><Priority>0</Priority><TriggerPoint><ConditionTypeCNF>0</ConditionTypeCNF><SPT><Group>0</Group><Method>REGISTER</Method><Extension><RegistrationType>0</RegistrationType><RegistrationType>1</RegistrationType><RegistrationType>2</RegistrationType></Extension></SPT></TriggerPoint>$as</InitialFilterCriteria></ServiceProfile></IMSSubscription>"
bad "SequenceNumber 65536" ShDataType.xsd "<Sh-Data><RepositoryData><ServiceIndication>a</ServiceIndication><SequenceNumber>65536</SequenceNumber></RepositoryData></Sh-Data>"
bad "RepositoryData after Sh-IMS-Data" ShDataType.xsd "<Sh-Data><Sh-IMS-Data/><RepositoryData><ServiceIndication>a</ServiceIndication><SequenceNumber>1</SequenceNumber></RepositoryData></Sh-Data>"
bad "ServiceData with two elements" ShDataType.xsd "<Sh-Data><RepositoryData><ServiceIndication>a</ServiceIndication><SequenceNumber>1</SequenceNumber><ServiceData><a/><b/></ServiceData></RepositoryData></Sh-Data>"
bad "IMSUserState 4" ShDataType.xsd "<Sh-Data><Sh-IMS-Data><IMSUserState>4</IMSUserState></Sh-IMS-Data></Sh-Data>"
bad "DSAI-Value 2" ShDataType.xsd "<Sh-Data><Sh-IMS-Data><Extension><Extension><DSAI><DSAI-Tag>t</DSAI-Tag><DSAI-Value>2</DSAI-Value></DSAI></Extension></Extension></Sh-IMS-Data></Sh-Data>"
bad "charging order" ShDataType.xsd "<Sh-Data><Sh-IMS-Data><ChargingInformation><PrimaryChargingCollectionFunctionName>aaa://a</PrimaryChargingCollectionFunctionName><PrimaryEventChargingFunctionName>aaa://b</PrimaryEventChargingFunctionName></ChargingInformation></Sh-IMS-Data></Sh-Data>"
bad "namespaced root" ShDataType.xsd "<Sh-Data xmlns=\"urn:x\"/>"

[ $fail = 0 ] && echo "$n documents valid for xmllint, 16 broken ones refused"
exit $fail
