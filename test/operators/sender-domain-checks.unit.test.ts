import { describe, expect, it } from "vitest";
import { joinTxtStrings } from "../../src/platform/dns/doh";
import { checkDkim, checkDmarc, checkSpf } from "../../src/operators/sender-domains/check";

describe("reading TXT data from a DNS-over-HTTPS answer", () => {
  it("joins a record's quoted strings without separators and undoes zone-file escapes", () => {
    expect(joinTxtStrings('"v=DKIM1; k=rsa; p=MIIB" "IjAN"')).toBe("v=DKIM1; k=rsa; p=MIIBIjAN");
    expect(joinTxtStrings('"say \\"hi\\" \\\\ \\059 done"')).toBe('say "hi" \\ ; done');
    expect(joinTxtStrings("v=spf1 include:sendgrid.net ~all")).toBe("v=spf1 include:sendgrid.net ~all");
  });
});

describe("judging the records", () => {
  const key = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA";

  it("takes a DKIM key folded with whitespace as the same key, and refuses another algorithm, a revoked key and a second record", () => {
    expect(checkDkim("s._domainkey.x.test", [`v=DKIM1; k=rsa; p=${key.slice(0, 10)} ${key.slice(10)}`], key).result).toBe("ok");
    expect(checkDkim("s._domainkey.x.test", [`v=DKIM1; k=ed25519; p=${key}`], key).message).toContain("k=ed25519");
    expect(checkDkim("s._domainkey.x.test", ["v=DKIM1; k=rsa; p="], key).message).toContain("revokes");
    expect(checkDkim("s._domainkey.x.test", [`p=${key}`, `p=${key}`], key).result).toBe("wrong");
  });

  it("counts only a passing include: in SPF, and ignores TXT records that are not SPF", () => {
    expect(checkSpf("x.test", ["v=spf1 +include:sendgrid.net include:mailgun.org. -all", "verify=1"], ["sendgrid.net", "mailgun.org"]).result).toBe("ok");
    expect(checkSpf("x.test", ["v=spf1 ~include:sendgrid.net -all"], ["sendgrid.net"]).result).toBe("wrong");
    expect(checkSpf("x.test", ["v=spf10 include:sendgrid.net"], ["sendgrid.net"]).result).toBe("missing");
    expect(checkSpf("x.test", ["v=spf1 -all"], []).result).toBe("ok");
  });

  it("reports DMARC as never required, and two DMARC records as wrong", () => {
    expect(checkDmarc("_dmarc.x.test", [])).toMatchObject({ required: false, result: "missing" });
    expect(checkDmarc("_dmarc.x.test", ["v=DMARC1; p=reject", "v=DMARC1; p=none"]).result).toBe("wrong");
    expect(checkDmarc("_dmarc.x.test", ["v=DMARC1;p=quarantine; rua=mailto:d@x.test"]).message).toBe("DMARC is published with p=quarantine.");
  });
});
