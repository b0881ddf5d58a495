"""The power-operation flowcharts (权力运行流程图) of the demo bureau's items, with the
integrity risk points (廉政风险点) on their steps.

`FLOWS` maps a power item's name to its flowchart:

- "steps": (key, kind, name, post, limit, documents, supervision point), where kind is
  start | step | decision | end, post is (department abbreviation, post name) in the item's
  unit (see `lianfang.org.demo_data`) or None, limit is in working days (the sum of a flow's
  limits stays within the item's promised limit), and documents name the step's 文书;
- "case_steps" (optional): node key -> the `CaseStep` value it belongs to, for electronic
  supervision (see `_LICENSE_SITE` below);
- "edges": (from key, to key, condition label or ""); a decision's exits are labelled;
- "risks": step key -> the step's risk points, each a dict with title, manifestation, level
  (1 high, 2 middle, 3 low), category (process | institutional | external) and measures,
  (type, content) pairs with type education | rules | process | supervision | technology |
  other.

Every name and case here is invented.
"""

PRC, INS, EXT = "process", "institutional", "external"


def R(level: int, category: str, title: str, manifestation: str, *measures: str) -> dict:
    """A risk point; each measure is written "type|content"."""
    rows = tuple(tuple(m.split("|", 1)) for m in measures)
    if not rows:
        raise ValueError(f"demo data: {title} needs a measure")
    return {
        "title": title,
        "manifestation": manifestation,
        "level": level,
        "category": category,
        "measures": rows,
    }


# Posts of the bureau (YXWGLT).
SL = ("XZSP", "审批受理岗")
SH = ("XZSP", "审批审核岗")
SK = ("XZSP", "科长岗")
ZZ = ("XZSP", "证照管理岗")
FG = ("ZCFG", "法制审核岗")
GB = ("GBDS", "广电监管岗")
LY = ("LYFZ", "旅游市场管理岗")
WK = ("WWFY", "科长岗")
WG = ("WWFY", "文物保护工程岗")
TK = ("TYK", "科长岗")
QT = ("TYK", "群众体育岗")
# Posts of the law-enforcement team (YXZFD).
ZK = ("ZFK", "执法科科长岗")
ZF = ("ZFK", "执法岗")
FK = ("FZSH", "法制审核科科长岗")
AS = ("FZSH", "案件审核岗")
DZ = ("ZHK", "队长岗")
FD = ("ZHK", "副队长岗")
NQ = ("ZHK", "综合内勤岗")

# fmt: off
# The monitored step of a case (受理 承办 审核 批准 办结, `CaseStep`) each node of the main
# path belongs to: electronic supervision times a case's steps by the sum of their nodes' limits
# and holds the steps mapped as mandatory. Decisions, 补正, refusal and hearing branches belong to
# none. 办结 is the closing node: its limit is the archiving after the case is closed.
_LICENSE_SITE = {
    "accept": "accept", "review": "undertake", "site": "review",
    "approve": "approve", "license": "approve", "end": "complete",
}
# 科长审核签发 is both the check and the decision: no separate 审核.
_LICENSE_DIRECT = {
    "accept": "accept", "review": "undertake", "approve": "approve", "deliver": "approve",
    "end": "complete",
}
_LICENSE_SURVEY = {
    "accept": "accept", "survey": "undertake", "review": "review",
    "approve": "approve", "license": "approve", "end": "complete",
}
_LICENSE_EXPERT = {
    "accept": "accept", "review": "undertake", "expert": "review",
    "approve": "approve", "deliver": "approve", "end": "complete",
}
# 立案 is the receipt, 调查取证 the handling, 法制审核 and 告知 the check, 决定…执行 the decision.
_PENALTY = {
    "register": "accept", "investigate": "undertake", "review": "review", "notify": "review",
    "decide": "approve", "deliver": "approve", "execute": "approve", "close": "complete",
}

FLOWS = {
    "营业性演出审批": {
        "case_steps": _LICENSE_DIRECT,
        "steps": (
            ("start", "start", "申请人提交申请", None, 0, "营业性演出申请登记表", False),
            ("accept", "step", "窗口受理", SL, 1, "受理通知书或不予受理通知书", True),
            ("complete", "decision", "材料是否齐全", SL, 0, "", False),
            ("supplement", "step", "一次性告知补正", SL, 1, "补正材料通知书", False),
            ("review", "step", "演出节目内容审查", SH, 3, "节目内容审查意见表", True),
            ("qualified", "decision", "是否符合法定条件", SH, 0, "", False),
            ("approve", "step", "科长审核签发准予许可", SK, 2, "准予行政许可决定书", True),
            ("refuse", "step", "作出不予许可决定并说明理由", SK, 1, "不予行政许可决定书", False),
            ("deliver", "step", "制作批准文件并送达", ZZ, 2, "营业性演出批准文件、送达回证", False),
            ("end", "end", "办结归档", None, 0, "", False),
        ),
        "edges": (
            ("start", "accept", ""), ("accept", "complete", ""),
            ("complete", "review", "齐全"), ("complete", "supplement", "不齐全"),
            ("supplement", "accept", ""), ("review", "qualified", ""),
            ("qualified", "approve", "符合"), ("qualified", "refuse", "不符合"),
            ("approve", "deliver", ""), ("refuse", "deliver", ""), ("deliver", "end", ""),
        ),
        "risks": {
            "accept": (
                R(2, PRC, "违规受理或拒不受理",
                  "对不符合条件的申请予以受理，或对符合条件的申请故意刁难、拖延受理，借机索要或收受好处。",
                  "process|实行一次性告知和首问负责制，受理情况当日录入审批系统，超时自动预警。",
                  "supervision|窗口设置评价器和监督电话，纪检监察室每月抽查受理台账。"),
            ),
            "review": (
                R(2, PRC, "节目内容审查把关不严",
                  "碍于人情或收受演出经纪机构好处，对含有禁止内容的节目不认真审查、放宽标准予以通过。",
                  "rules|制定演出节目内容审查要点清单，逐项填写审查意见并由审查人签名。",
                  "process|涉外、涉港澳台及大型演出节目实行双人审查，科长复核。"),
                R(3, EXT, "演出主办方请托说情",
                  "演出主办方临近演出日期托人打招呼，要求简化审查或先行口头同意。",
                  "education|开展审批岗位廉政谈话，签订拒绝请托承诺书。",
                  "rules|落实插手干预审批事项记录报告制度，说情情况如实登记。"),
            ),
            "approve": (
                R(2, INS, "人情审批、随意审批",
                  "对不符合条件的申请凭人情关系签发准予许可，或对符合条件的申请无正当理由拖延签发。",
                  "process|审批结果经系统生成，审签意见与审查意见不一致时须书面说明理由。",
                  "supervision|审批结果在政务网站公开，电子监察系统对超时和异常办件自动预警。"),
            ),
        },
    },
    "娱乐场所从事娱乐场所经营活动审批": {
        "case_steps": _LICENSE_SITE,
        "steps": (
            ("start", "start", "申请人提交申请", None, 0, "娱乐场所经营活动申请书", False),
            ("accept", "step", "窗口受理", SL, 1, "受理通知书或不予受理通知书", True),
            ("complete", "decision", "材料是否齐全", SL, 0, "", False),
            ("supplement", "step", "一次性告知补正", SL, 1, "补正材料通知书", False),
            ("review", "step", "书面材料审查", SH, 2, "审查意见表", False),
            ("site", "step", "现场核查（双人）", SH, 3, "现场核查记录表", True),
            ("qualified", "decision", "是否符合设立条件", SH, 0, "", False),
            ("approve", "step", "作出准予许可决定", SK, 1, "准予行政许可决定书", True),
            ("refuse", "step", "作出不予许可决定", SK, 1, "不予行政许可决定书", False),
            ("license", "step", "核发娱乐经营许可证", ZZ, 1, "娱乐经营许可证、送达回证", False),
            ("end", "end", "办结归档", None, 0, "", False),
        ),
        "edges": (
            ("start", "accept", ""), ("accept", "complete", ""),
            ("complete", "review", "齐全"), ("complete", "supplement", "不齐全"),
            ("supplement", "accept", ""), ("review", "site", ""), ("site", "qualified", ""),
            ("qualified", "approve", "符合"), ("qualified", "refuse", "不符合"),
            ("approve", "license", ""), ("license", "end", ""), ("refuse", "end", ""),
        ),
        "risks": {
            "accept": (
                R(3, PRC, "吃拿卡要、故意刁难",
                  "受理时对申请人态度冷硬、反复要求补充材料，暗示请托或收受购物卡、宴请。",
                  "process|公开申请材料清单和办理时限，补正内容一次性书面告知。",
                  "supervision|办件回访，对申请人反映的刁难问题由纪检监察室核查。"),
            ),
            "site": (
                R(1, PRC, "现场核查走过场或弄虚作假",
                  "对场所面积、包厢设置、消防通道和与学校距离等不实地测量，照抄申请材料出具核查意见，或收受好处后隐瞒不符合条件的情况。",
                  "process|现场核查实行双人制，全程拍照和执法记录仪记录，核查记录现场签字。",
                  "technology|核查照片和定位信息上传审批系统，与核查记录一并留痕备查。"),
                R(2, EXT, "经营者宴请、送礼",
                  "核查期间接受经营者安排的宴请、娱乐活动或礼品礼金。",
                  "education|核查前重申廉洁纪律，发放廉政监督卡由经营者填写反馈。"),
            ),
            "approve": (
                R(2, INS, "降低标准审批",
                  "对距离学校、医院不足规定距离或消防不达标的场所，以先发证后整改等名义予以许可。",
                  "rules|明确设立条件的否决项，否决项不符合的一律不予许可。",
                  "supervision|许可结果公示，法制审核岗每季度抽查许可卷宗。"),
            ),
        },
    },
    "互联网上网服务营业场所经营单位设立审批": {
        "case_steps": _LICENSE_SITE,
        "steps": (
            ("start", "start", "申请人提交申请", None, 0, "网络文化经营许可申请表", False),
            ("accept", "step", "窗口受理", SL, 1, "受理通知书或不予受理通知书", True),
            ("complete", "decision", "材料是否齐全", SL, 0, "", False),
            ("supplement", "step", "一次性告知补正", SL, 1, "补正材料通知书", False),
            ("review", "step", "审查设立条件和总量布局", SH, 2, "审查意见表", False),
            ("site", "step", "实地核查营业场所", SH, 3, "现场核查记录表、测量记录", True),
            ("qualified", "decision", "是否符合设立条件", SH, 0, "", False),
            ("approve", "step", "作出准予许可决定", SK, 1, "准予行政许可决定书", True),
            ("refuse", "step", "作出不予许可决定", SK, 1, "不予行政许可决定书", False),
            ("license", "step", "核发网络文化经营许可证", ZZ, 1,
             "网络文化经营许可证、送达回证", False),
            ("end", "end", "办结归档", None, 0, "", False),
        ),
        "edges": (
            ("start", "accept", ""), ("accept", "complete", ""),
            ("complete", "review", "齐全"), ("complete", "supplement", "不齐全"),
            ("supplement", "accept", ""), ("review", "site", ""), ("site", "qualified", ""),
            ("qualified", "approve", "符合"), ("qualified", "refuse", "不符合"),
            ("approve", "license", ""), ("license", "end", ""), ("refuse", "end", ""),
        ),
        "risks": {
            "review": (
                R(2, INS, "优亲厚友、违规分配布局名额",
                  "在上网服务营业场所总量和布局控制中，为亲友或关系人预留名额，对其他申请人以布局已满为由拒绝。",
                  "rules|布局规划和剩余名额向社会公开，按受理先后顺序审查。",
                  "supervision|名额使用情况每季度报局党组，纪检监察室列席研究。"),
            ),
            "site": (
                R(2, PRC, "核查测量不实",
                  "对营业场所与中小学校的距离、营业面积和计算机台数测量不实，收受好处后出具符合条件的核查意见。",
                  "process|距离测量使用统一测距工具，双人核查并由申请人现场签字确认。",
                  "technology|核查照片、测量数据和定位信息实时上传审批系统。"),
            ),
            "approve": (
                R(3, PRC, "违反限时办结要求拖延审批",
                  "无正当理由压件不办或拖延签发，变相迫使申请人托人情、送好处。",
                  "technology|电子监察系统对剩余时限实时亮灯预警，超时办件自动推送纪检监察室。"),
            ),
        },
    },
    "旅行社设立许可": {
        "case_steps": _LICENSE_SITE,
        "steps": (
            ("start", "start", "申请人提交申请", None, 0, "旅行社业务经营许可申请书", False),
            ("accept", "step", "窗口受理", SL, 1, "受理通知书或不予受理通知书", True),
            ("complete", "decision", "材料是否齐全", SL, 0, "", False),
            ("supplement", "step", "一次性告知补正", SL, 1, "补正材料通知书", False),
            ("review", "step", "审查经营场所、营业设施和质量保证金", SH, 3, "审查意见表", False),
            ("site", "step", "实地核查经营场所", LY, 2, "现场核查记录表", True),
            ("qualified", "decision", "是否符合设立条件", SH, 0, "", False),
            ("approve", "step", "作出准予许可决定", SK, 1, "准予行政许可决定书", True),
            ("refuse", "step", "作出不予许可决定", SK, 1, "不予行政许可决定书", False),
            ("license", "step", "颁发旅行社业务经营许可证", ZZ, 1,
             "旅行社业务经营许可证、送达回证", False),
            ("end", "end", "办结并录入全国旅游监管服务平台", None, 0, "", False),
        ),
        "edges": (
            ("start", "accept", ""), ("accept", "complete", ""),
            ("complete", "review", "齐全"), ("complete", "supplement", "不齐全"),
            ("supplement", "accept", ""), ("review", "site", ""), ("site", "qualified", ""),
            ("qualified", "approve", "符合"), ("qualified", "refuse", "不符合"),
            ("approve", "license", ""), ("license", "end", ""), ("refuse", "end", ""),
        ),
        "risks": {
            "review": (
                R(2, PRC, "对质量保证金凭证审查不严",
                  "对质量保证金存款证明、经营场所产权或租赁证明的真实性不核验，默许申请人以虚假材料通过审查。",
                  "process|质量保证金通过银行系统在线核验，场所证明与不动产登记信息比对。",
                  "rules|明确审查人对材料真实性核验的责任，核验结果在审查意见表中载明。"),
            ),
            "site": (
                R(3, EXT, "接受申请人宴请或旅游消费安排",
                  "核查人员接受申请人或其关联旅行社提供的免费旅游线路、宴请和礼品。",
                  "education|对旅游市场管理岗开展警示教育，通报旅游系统违纪典型案例。",
                  "supervision|核查结束后向申请人发放廉政监督卡，回访核查人员廉洁情况。"),
            ),
            "approve": (
                R(2, INS, "为不具备条件的申请人违规发证",
                  "受他人请托，对经营场所不符合要求或出资人有不良记录的申请人作出准予许可决定。",
                  "process|许可决定前比对旅游市场信用记录，失信主体一律提请科长复核。",
                  "supervision|许可信息同步公开，旅游发展科在日常监管中对新设旅行社开展首检。"),
            ),
        },
    },
    "高危险性体育项目经营许可": {
        "case_steps": _LICENSE_SITE,
        "steps": (
            ("start", "start", "申请人提交申请", None, 0, "高危险性体育项目经营申请书", False),
            ("accept", "step", "窗口受理", SL, 1, "受理通知书或不予受理通知书", True),
            ("complete", "decision", "材料是否齐全", SL, 0, "", False),
            ("supplement", "step", "一次性告知补正", SL, 1, "补正材料通知书", False),
            ("review", "step", "审查社会体育指导员和救助人员资质", SH, 2, "审查意见表", False),
            ("site", "step", "组织专家实地检查场地设施", SH, 5, "现场检查意见书、专家签名表", True),
            ("qualified", "decision", "是否符合经营条件", SH, 0, "", False),
            ("approve", "step", "作出准予许可决定", SK, 2, "准予行政许可决定书", True),
            ("refuse", "step", "作出不予许可决定", SK, 2, "不予行政许可决定书", False),
            ("license", "step", "颁发经营许可证", ZZ, 2,
             "高危险性体育项目经营许可证、送达回证", False),
            ("end", "end", "办结并通报体育科纳入监管", None, 0, "", False),
        ),
        "edges": (
            ("start", "accept", ""), ("accept", "complete", ""),
            ("complete", "review", "齐全"), ("complete", "supplement", "不齐全"),
            ("supplement", "accept", ""), ("review", "site", ""), ("site", "qualified", ""),
            ("qualified", "approve", "符合"), ("qualified", "refuse", "不符合"),
            ("approve", "license", ""), ("license", "end", ""), ("refuse", "end", ""),
        ),
        "risks": {
            "accept": (
                R(3, PRC, "受理时刁难或违规受理",
                  "对游泳、攀岩、潜水等项目申请故意刁难、拖延受理，或对资质证书过期的申请违规受理。",
                  "process|公开申请条件和材料清单，受理时在系统中核验人员资格证书。"),
            ),
            "site": (
                R(1, PRC, "专家检查搞变通、降低安全标准",
                  "指定与申请人有利害关系的专家检查，或对救生设备、水质、场地安全距离等不达标问题降低标准放行。",
                  "rules|从专家库随机抽取检查专家，实行利害关系回避声明制度。",
                  "process|逐项填写安全检查标准对照表，专家和检查人员共同签名，全程影像记录。"),
                R(2, EXT, "经营者请托说情",
                  "经营者为赶在暑期开业，托人打招呼要求先发证后整改。",
                  "rules|落实插手干预审批事项记录报告制度，一律不得先发证后整改。"),
            ),
            "approve": (
                R(2, INS, "人情审批",
                  "对存在安全隐患的场所凭关系作出准予许可决定，埋下安全责任事故隐患。",
                  "process|准予许可须以专家检查合格意见为前提，系统对缺少检查意见的办件锁定签发。",
                  "supervision|许可结果抄送体育科，开业后一个月内开展首次监督检查。"),
            ),
        },
    },
    "卫星电视广播地面接收设施安装许可审批": {
        "case_steps": _LICENSE_SURVEY,
        "steps": (
            ("start", "start", "申请单位提交申请", None, 0, "卫星地面接收设施安装申请表", False),
            ("accept", "step", "窗口受理", SL, 1, "受理通知书或不予受理通知书", True),
            ("complete", "decision", "材料是否齐全", SL, 0, "", False),
            ("supplement", "step", "一次性告知补正", SL, 1, "补正材料通知书", False),
            ("survey", "step", "初审并现场勘查安装地点", GB, 3, "现场勘查记录表、初审意见", True),
            ("review", "step", "审核安装单位资质和接收范围", SH, 1, "审核意见表", False),
            ("qualified", "decision", "是否符合安装条件", SH, 0, "", False),
            ("approve", "step", "作出准予许可决定", SK, 2, "准予行政许可决定书", True),
            ("refuse", "step", "作出不予许可决定", SK, 1, "不予行政许可决定书", False),
            ("license", "step", "核发安装许可证", ZZ, 1,
             "卫星地面接收设施安装许可证、送达回证", False),
            ("end", "end", "办结归档", None, 0, "", False),
        ),
        "edges": (
            ("start", "accept", ""), ("accept", "complete", ""),
            ("complete", "survey", "齐全"), ("complete", "supplement", "不齐全"),
            ("supplement", "accept", ""), ("survey", "review", ""), ("review", "qualified", ""),
            ("qualified", "approve", "符合"), ("qualified", "refuse", "不符合"),
            ("approve", "license", ""), ("license", "end", ""), ("refuse", "end", ""),
        ),
        "risks": {
            "survey": (
                R(2, PRC, "勘查不实、指定安装单位",
                  "现场勘查不认真核对接收用途和安装位置，或暗示申请单位选用与本人有利益关系的安装服务单位。",
                  "rules|明令禁止指定或推荐安装服务单位，具备资质的安装单位名录向社会公开。",
                  "process|勘查实行双人制，勘查记录由申请单位负责人签字确认。"),
            ),
            "review": (
                R(3, PRC, "审核把关不严",
                  "对超出规定接收范围的宾馆、酒店申请不认真审核，违规扩大境外卫星电视节目接收范围。",
                  "process|对照接收范围规定逐项审核，涉及境外节目接收的报科长复核。"),
            ),
            "approve": (
                R(2, INS, "违规许可或拖延许可",
                  "收受好处后对不符合条件的单位准予许可，或对符合条件的申请无故拖延办理。",
                  "technology|审批全程网上运行，电子监察系统对超时和退回办件自动预警。",
                  "supervision|许可结果公开，广播电视科在年度检查中对许可单位逐一复核。"),
            ),
        },
    },
    "文物保护单位建设控制地带内建设工程设计方案审核": {
        "case_steps": _LICENSE_EXPERT,
        "steps": (
            ("start", "start", "建设单位报送设计方案", None, 0,
             "建设工程设计方案审核申请表", False),
            ("accept", "step", "受理申请", WG, 1, "受理通知书或不予受理通知书", True),
            ("complete", "decision", "材料是否齐全", WG, 0, "", False),
            ("supplement", "step", "一次性告知补正", WG, 1, "补正材料通知书", False),
            ("review", "step", "审查对文物保护单位历史风貌的影响", WG, 3,
             "设计方案审查意见表", True),
            ("expert", "step", "组织专家论证", WG, 3, "专家论证意见、专家签名表", True),
            ("qualified", "decision", "方案是否符合文物保护要求", WK, 0, "", False),
            ("approve", "step", "出具同意的审核意见", WK, 2, "建设工程设计方案审核意见书", True),
            ("refuse", "step", "出具不同意意见并说明理由", WK, 1, "不予同意审核意见书", False),
            ("deliver", "step", "送达审核意见", WG, 1, "送达回证", False),
            ("end", "end", "办结并抄送自然资源规划部门", None, 0, "", False),
        ),
        "edges": (
            ("start", "accept", ""), ("accept", "complete", ""),
            ("complete", "review", "齐全"), ("complete", "supplement", "不齐全"),
            ("supplement", "accept", ""), ("review", "expert", ""), ("expert", "qualified", ""),
            ("qualified", "approve", "符合"), ("qualified", "refuse", "不符合"),
            ("approve", "deliver", ""), ("refuse", "deliver", ""), ("deliver", "end", ""),
        ),
        "risks": {
            "review": (
                R(1, EXT, "受开发商围猎放宽建筑高度和体量控制",
                  "建设单位以宴请、送礼或许诺好处等方式拉拢审查人员，对超出建设控制地带高度、体量和色彩控制要求的设计方案予以认可。",
                  "rules|严格执行文物保护规划确定的控制指标，不符合指标的方案一律不得提交论证。",
                  "education|对文物保护工程岗开展“围猎”典型案例警示教育，签订廉洁承诺书。"),
            ),
            "expert": (
                R(2, PRC, "操纵专家论证",
                  "指定熟识专家或向专家暗示倾向性意见，使论证流于形式。",
                  "process|从省文物专家库随机抽取不少于三名专家，抽取过程由纪检监察员监督。",
                  "rules|专家签署利害关系回避承诺，论证意见原文存档，不得改动。"),
            ),
            "approve": (
                R(2, INS, "个人决定、规避集体研究",
                  "对涉及全国或省级文物保护单位的重大建设项目，不经科室集体研究或局分管领导审定，个人签发审核意见。",
                  "rules|重大建设项目审核意见须经局长办公会议研究，纪要存档。",
                  "supervision|审核意见与专家论证意见不一致的，须书面说明理由并报分管领导。"),
            ),
        },
    },
    "举办健身气功活动及设立站点审批": {
        "case_steps": _LICENSE_SITE,
        "steps": (
            ("start", "start", "申请人提交申请", None, 0, "健身气功活动（站点）申请表", False),
            ("accept", "step", "受理申请", QT, 1, "受理通知书或不予受理通知书", True),
            ("complete", "decision", "材料是否齐全", QT, 0, "", False),
            ("supplement", "step", "一次性告知补正", QT, 1, "补正材料通知书", False),
            ("review", "step", "审查活动内容、功法和辅导员资格", QT, 3, "审查意见表", True),
            ("site", "step", "实地查看活动场地", QT, 2, "现场查看记录", False),
            ("qualified", "decision", "是否符合条件", TK, 0, "", False),
            ("approve", "step", "作出批准决定", TK, 2, "准予行政许可决定书", True),
            ("refuse", "step", "作出不予批准决定", TK, 1, "不予行政许可决定书", False),
            ("end", "end", "送达并登记站点信息", None, 0, "送达回证", False),
        ),
        "edges": (
            ("start", "accept", ""), ("accept", "complete", ""),
            ("complete", "review", "齐全"), ("complete", "supplement", "不齐全"),
            ("supplement", "accept", ""), ("review", "site", ""), ("site", "qualified", ""),
            ("qualified", "approve", "符合"), ("qualified", "refuse", "不符合"),
            ("approve", "end", ""), ("refuse", "end", ""),
        ),
        "risks": {
            "review": (
                R(2, PRC, "功法和辅导员资格审查不严",
                  "对传授未经审定功法或辅导员无社会体育指导员资格的申请不认真审查，或收受好处后予以通过。",
                  "process|对照国家体育总局审定功法目录和资格证书信息逐项核验。",
                  "supervision|科长对审查意见复核，审批结果在局网站公示。"),
            ),
            "approve": (
                R(3, INS, "审批标准不一、优亲厚友",
                  "对同类站点申请把握标准不一，对熟人申请从宽、对其他申请从严。",
                  "rules|制定健身气功站点设立条件细则并公开，统一审批尺度。"),
            ),
        },
    },
    "对擅自从事营业性演出经营活动的处罚": {
        "case_steps": _PENALTY,
        "steps": (
            ("source", "start", "发现案件线索（巡查、举报、移送）", None, 0,
             "案件来源登记表", False),
            ("register", "step", "立案审批", ZK, 2, "立案审批表", True),
            ("investigate", "step", "调查取证（两名以上执法人员）", ZF, 15,
             "现场检查笔录、询问笔录、证据先行登记保存通知书", True),
            ("review", "step", "法制审核", AS, 5, "案件审核意见书", True),
            ("major", "decision", "是否重大案件", FK, 0, "", False),
            ("collective", "step", "重大案件集体讨论", DZ, 3, "重大案件集体讨论记录", True),
            ("notify", "step", "告知陈述、申辩和听证权利", ZF, 5,
             "行政处罚事先告知书、陈述申辩笔录", False),
            ("decide", "step", "作出行政处罚决定", FD, 3, "行政处罚决定书", True),
            ("deliver", "step", "送达处罚决定书", ZF, 2, "送达回证", False),
            ("execute", "step", "执行（罚没款缴纳、没收违法所得）", ZF, 8,
             "罚没款缴款通知书、强制执行申请书", True),
            ("close", "end", "结案归档", ZF, 2, "结案审批表", False),
        ),
        "edges": (
            ("source", "register", ""), ("register", "investigate", ""),
            ("investigate", "review", ""), ("review", "major", ""),
            ("major", "collective", "重大案件"), ("major", "notify", "一般案件"),
            ("collective", "notify", ""), ("notify", "decide", ""), ("decide", "deliver", ""),
            ("deliver", "execute", ""), ("execute", "close", ""),
        ),
        "risks": {
            "register": (
                R(2, PRC, "有案不立、选择性立案",
                  "对举报或巡查发现的无证演出线索压案不查，或因人情关系、利益输送对部分演出主办方不予立案。",
                  "process|案件线索统一登记编号，超过七个工作日未作立案决定的由系统预警。",
                  "supervision|法制审核科每月比对线索登记台账和立案台账，不予立案的须说明理由。"),
            ),
            "investigate": (
                R(2, EXT, "通风报信、取证不全",
                  "在专项检查前向演出主办方泄露检查时间和地点，或故意不收集门票销售、演出收入等关键证据。",
                  "process|实行双人执法，调查取证全程音像记录，执法记录仪数据统一上传。",
                  "rules|专项检查行动方案实行出发前告知，参检人员上交个人通讯工具。"),
            ),
            "decide": (
                R(1, INS, "滥用自由裁量权、随意减免罚款",
                  "不按自由裁量基准确定罚款数额，对关系人从轻或减免处罚、不没收违法所得，对其他当事人从重处罚。",
                  "rules|严格执行行政处罚自由裁量基准，偏离基准的须在审核意见中说明理由。",
                  "process|重大案件集体讨论决定，讨论记录由参会人员签名，处罚决定书网上公开。"),
            ),
        },
    },
    "对娱乐场所超时营业的处罚": {
        "case_steps": _PENALTY,
        "steps": (
            ("source", "start", "发现案件线索（夜查、举报）", None, 0, "案件来源登记表", False),
            ("register", "step", "立案审批", ZK, 2, "立案审批表", True),
            ("investigate", "step", "调查取证", ZF, 12,
             "现场检查笔录、询问笔录、视听资料提取单", True),
            ("review", "step", "法制审核", AS, 5, "案件审核意见书", True),
            ("notify", "step", "告知陈述、申辩和听证权利", ZF, 5, "行政处罚事先告知书", False),
            ("hearing_q", "decision", "当事人是否申请听证", ZF, 0, "", False),
            ("hearing", "step", "组织听证", FK, 8, "听证通知书、听证笔录、听证报告", True),
            ("decide", "step", "作出行政处罚决定", FD, 3, "行政处罚决定书", True),
            ("deliver", "step", "送达处罚决定书", ZF, 2, "送达回证", False),
            ("execute", "step", "执行（罚款缴纳、责令停业整顿）", ZF, 6,
             "罚没款缴款通知书、停业整顿检查记录", False),
            ("close", "end", "结案归档", ZF, 2, "结案审批表", False),
        ),
        "edges": (
            ("source", "register", ""), ("register", "investigate", ""),
            ("investigate", "review", ""), ("review", "notify", ""), ("notify", "hearing_q", ""),
            ("hearing_q", "hearing", "申请听证"), ("hearing_q", "decide", "未申请听证"),
            ("hearing", "decide", ""), ("decide", "deliver", ""),
            ("deliver", "execute", ""), ("execute", "close", ""),
        ),
        "risks": {
            "investigate": (
                R(2, EXT, "夜查前通风报信",
                  "执法人员与娱乐场所经营者存在利益往来，在夜间检查前泄露检查信息，使其提前停止营业、规避查处。",
                  "rules|夜查行动临时通知、随机确定检查对象，参检人员集中出发。",
                  "supervision|对同一场所多次检查未发现问题而群众反复举报的，由纪检监察室倒查。"),
                R(2, PRC, "选择性执法",
                  "对同一区域超时营业的场所只查处部分，对有关系的场所视而不见。",
                  "process|检查对象通过双随机系统抽取，检查结果统一录入执法平台。"),
            ),
            "hearing": (
                R(3, PRC, "听证主持人应回避未回避",
                  "由本案调查人员或与当事人有利害关系的人员主持听证，听证流于形式。",
                  "rules|听证由法制审核科指定非本案调查人员主持，当事人有权申请回避。"),
            ),
            "decide": (
                R(2, INS, "以罚代管、罚后不管",
                  "只罚款不督促整改，对屡次超时营业的场所不依法责令停业整顿，变相默许其违法经营。",
                  "rules|对一年内多次超时营业的按自由裁量基准从重处罚，并列入重点监管名单。",
                  "process|处罚决定执行后三十日内开展复查，复查结果录入执法平台。"),
            ),
        },
    },
    "对互联网上网服务营业场所接纳未成年人的处罚": {
        "case_steps": _PENALTY,
        "steps": (
            ("source", "start", "发现案件线索（巡查、家长举报）", None, 0, "案件来源登记表", False),
            ("register", "step", "立案审批", ZK, 2, "立案审批表", True),
            ("investigate", "step", "调查取证", ZF, 15,
             "现场检查笔录、询问笔录、上网登记记录和监控录像提取单", True),
            ("review", "step", "法制审核", AS, 5, "案件审核意见书", True),
            ("major", "decision", "是否重大案件", FK, 0, "", False),
            ("collective", "step", "重大案件集体讨论", DZ, 3, "重大案件集体讨论记录", True),
            ("notify", "step", "告知陈述、申辩和听证权利", ZF, 5, "行政处罚事先告知书", False),
            ("decide", "step", "作出行政处罚决定", FD, 3, "行政处罚决定书", True),
            ("deliver", "step", "送达处罚决定书", ZF, 2, "送达回证", False),
            ("execute", "step", "执行（罚款缴纳、责令停业整顿或吊销许可证）", ZF, 8,
             "罚没款缴款通知书、强制执行申请书", True),
            ("close", "end", "结案归档", ZF, 2, "结案审批表", False),
        ),
        "edges": (
            ("source", "register", ""), ("register", "investigate", ""),
            ("investigate", "review", ""), ("review", "major", ""),
            ("major", "collective", "重大案件"), ("major", "notify", "一般案件"),
            ("collective", "notify", ""), ("notify", "decide", ""), ("decide", "deliver", ""),
            ("deliver", "execute", ""), ("execute", "close", ""),
        ),
        "risks": {
            "register": (
                R(1, PRC, "泄露举报人信息",
                  "将举报人姓名、联系方式或举报内容透露给被举报的网吧经营者，致使举报人遭受打击报复。",
                  "rules|严格执行举报人信息保密制度，举报材料由专人登记、专柜保管。",
                  "technology|执法平台对举报人信息脱敏显示，查阅记录全程留痕。"),
            ),
            "investigate": (
                R(2, PRC, "选择性提取证据",
                  "收受经营者好处后，不调取或只选择性调取上网登记记录和监控录像，使违法事实难以认定。",
                  "process|现场即时封存监控录像和上网登记数据，提取过程全程音像记录。",
                  "supervision|案件审核岗对证据链完整性逐案审查，证据缺失的退回补充调查。"),
            ),
            "execute": (
                R(3, PRC, "罚款不按规定入库",
                  "执法人员当场收缴罚款不开具财政统一票据，或截留、挪用罚没款。",
                  "rules|严格执行罚缴分离，当事人凭缴款通知书到指定银行缴纳罚款。",
                  "supervision|财务审计科每季度核对罚没款缴款记录和处罚决定台账。"),
            ),
        },
    },
    "对旅行社未经许可经营旅行社业务的处罚": {
        "case_steps": _PENALTY,
        "steps": (
            ("source", "start", "发现案件线索（投诉、举报、移送）", None, 0,
             "案件来源登记表", False),
            ("register", "step", "立案审批", ZK, 2, "立案审批表", True),
            ("investigate", "step", "调查取证", ZF, 15,
             "询问笔录、现场检查笔录、调取证据通知书", True),
            ("established", "decision", "违法事实是否成立", ZK, 0, "", False),
            ("revoke", "end", "撤销立案", ZK, 1, "撤销立案审批表", False),
            ("review", "step", "法制审核", AS, 5, "案件审核意见书", True),
            ("notify", "step", "告知陈述、申辩和听证权利", ZF, 5, "行政处罚事先告知书", False),
            ("decide", "step", "负责人审查决定（重大案件集体讨论）", FD, 5,
             "行政处罚决定书、集体讨论记录", True),
            ("deliver", "step", "送达处罚决定书", ZF, 2, "送达回证", False),
            ("execute", "step", "执行（罚款缴纳、没收违法所得）", ZF, 8,
             "罚没款缴款通知书、强制执行申请书", False),
            ("close", "end", "结案归档", ZF, 2, "结案审批表", False),
        ),
        "edges": (
            ("source", "register", ""), ("register", "investigate", ""),
            ("investigate", "established", ""),
            ("established", "review", "成立"), ("established", "revoke", "不成立"),
            ("review", "notify", ""), ("notify", "decide", ""), ("decide", "deliver", ""),
            ("deliver", "execute", ""), ("execute", "close", ""),
        ),
        "risks": {
            "established": (
                R(2, PRC, "违规撤销立案",
                  "受人请托，以证据不足为由对违法事实清楚的“黑社”“黑导”案件撤销立案。",
                  "process|撤销立案须经法制审核科审核并报副队长批准，理由在系统中载明。"),
            ),
            "review": (
                R(1, INS, "以罚代刑、应移送未移送",
                  "对非法经营数额巨大、涉嫌构成非法经营罪的案件，只作罚款处理，不依法移送公安机关追究刑事责任。",
                  "rules|执行行政执法与刑事司法衔接规定，达到立案追诉标准的一律移送。",
                  "supervision|涉案金额较大的案件报检察机关行政执法监督平台备案。"),
            ),
            "decide": (
                R(2, INS, "随意减免罚款和违法所得",
                  "对违法所得计算不实，或不按自由裁量基准随意降低罚款数额。",
                  "rules|违法所得按统一计算口径认定，偏离自由裁量基准的须集体讨论决定。",
                  "process|处罚决定书七个工作日内在政务网站公示。"),
            ),
        },
    },
    "对营业性演出活动的监督检查": {
        "steps": (
            ("start", "start", "启动检查（双随机抽取、投诉举报）", None, 0, "随机抽查名单", False),
            ("plan", "step", "制定检查方案", ZK, 2, "检查方案", False),
            ("inspect", "step", "实施现场检查（两名以上执法人员）", ZF, 1,
             "现场检查笔录、执法记录仪记录", True),
            ("found", "decision", "是否发现违法违规", ZF, 0, "", False),
            ("rectify", "step", "责令限期改正", ZF, 1, "责令改正通知书", False),
            ("recheck", "step", "整改复查", ZF, 5, "复查笔录", True),
            ("done", "decision", "整改是否到位", ZF, 0, "", False),
            ("transfer", "step", "移送立案查处", ZK, 2, "案件移送审批表", True),
            ("result", "end", "检查结果公示归档", None, 0, "检查结果公示表", False),
            ("case", "end", "转入行政处罚程序", None, 0, "", False),
        ),
        "edges": (
            ("start", "plan", ""), ("plan", "inspect", ""), ("inspect", "found", ""),
            ("found", "result", "未发现问题"), ("found", "rectify", "一般问题"),
            ("found", "transfer", "涉嫌违法应予处罚"),
            ("rectify", "recheck", ""), ("recheck", "done", ""),
            ("done", "result", "整改到位"), ("done", "transfer", "整改不到位"),
            ("transfer", "case", ""),
        ),
        "risks": {
            "inspect": (
                R(1, EXT, "通风报信、检查走过场",
                  "向演出主办方事先透露检查安排，或到场后不核对演出节目、演员与批准内容是否一致，只签到不检查。",
                  "process|检查对象和检查人员双随机抽取，检查全程音像记录并上传执法平台。",
                  "supervision|执法科科长对检查记录随机抽查，与演出现场视频比对。"),
            ),
            "rectify": (
                R(3, PRC, "以改代罚",
                  "对依法应当给予行政处罚的违法行为，仅责令改正了事，不移送立案。",
                  "rules|制定责令改正与立案查处的适用情形清单，超出清单的一律移送立案。"),
            ),
            "transfer": (
                R(2, PRC, "该移送不移送",
                  "受人请托或收受好处，对整改不到位或涉嫌违法的演出主办方压案不移送。",
                  "technology|检查结果与立案情况在执法平台自动关联，未移送的超期预警。",
                  "supervision|法制审核科每季度开展执法案卷评查，倒查未移送案件。"),
            ),
        },
    },
    "对娱乐场所经营活动的监督检查": {
        "steps": (
            ("start", "start", "启动检查（年度计划、专项整治、举报）", None, 0,
             "年度检查计划", False),
            ("plan", "step", "确定检查对象和检查组", ZK, 2, "检查方案、检查对象名单", False),
            ("inspect", "step", "实施现场检查（含夜间检查）", ZF, 1,
             "现场检查笔录、执法记录仪记录", True),
            ("found", "decision", "是否发现违法违规", ZF, 0, "", False),
            ("rectify", "step", "责令限期改正", ZF, 1, "责令改正通知书", False),
            ("recheck", "step", "整改复查", ZF, 10, "复查笔录", True),
            ("done", "decision", "整改是否到位", ZF, 0, "", False),
            ("transfer", "step", "移送立案查处", ZK, 2, "案件移送审批表", True),
            ("result", "end", "检查结果录入信用档案", None, 0, "检查结果公示表", False),
            ("case", "end", "转入行政处罚程序", None, 0, "", False),
        ),
        "edges": (
            ("start", "plan", ""), ("plan", "inspect", ""), ("inspect", "found", ""),
            ("found", "result", "未发现问题"), ("found", "rectify", "一般问题"),
            ("found", "transfer", "涉嫌违法应予处罚"),
            ("rectify", "recheck", ""), ("recheck", "done", ""),
            ("done", "result", "整改到位"), ("done", "transfer", "整改不到位"),
            ("transfer", "case", ""),
        ),
        "risks": {
            "plan": (
                R(3, INS, "检查对象确定随意",
                  "不按双随机要求确定检查对象，对有关系的场所长期不检查，对个别场所反复检查。",
                  "technology|检查对象由双随机监管系统抽取，抽取结果不得人工调整。"),
            ),
            "inspect": (
                R(2, EXT, "接受免费消费、吃拿卡要",
                  "检查中接受娱乐场所提供的免费包厢、酒水和消费卡，或以检查为名索要好处。",
                  "education|开展娱乐场所监管领域警示教育，执法人员签订廉洁执法承诺书。",
                  "process|严格执行双人执法和亮证执法，检查全程音像记录。"),
            ),
            "recheck": (
                R(2, PRC, "复查不实、随意延长整改期限",
                  "对未整改到位的场所出具整改到位的复查意见，或无正当理由多次延长整改期限。",
                  "process|复查须由非原检查人员参加，延长整改期限须经执法科科长批准。",
                  "supervision|复查结果向举报人反馈，纪检监察室对复查意见开展抽查回访。"),
            ),
        },
    },
    "对违法经营互联网上网服务营业场所涉案专用工具、设备的查封扣押": {
        "steps": (
            ("start", "start", "发现涉案专用工具、设备", None, 0, "现场检查笔录", False),
            ("approve", "step", "报批查封扣押", FD, 1, "查封扣押审批表", True),
            ("seize", "step", "实施查封扣押（两名以上执法人员、当事人到场）", ZF, 1,
             "查封扣押决定书、查封扣押清单", True),
            ("record", "step", "制作现场笔录", ZF, 1, "现场笔录（当事人或见证人签名）", False),
            ("custody", "step", "扣押物品登记保管", NQ, 2, "扣押物品登记台账、封条", True),
            ("verify", "step", "查明事实并审核处理意见", AS, 18,
             "调查终结报告、案件审核意见书", False),
            ("handle", "decision", "是否属于违法经营的专用工具、设备", AS, 0, "", False),
            ("confiscate", "step", "依法作出没收决定", FD, 3,
             "行政处罚决定书（没收）、没收物品处理记录", True),
            ("release", "step", "解除查封扣押并退还物品", ZF, 2,
             "解除查封扣押决定书、退还物品清单", True),
            ("end", "end", "处理完毕归档", None, 0, "", False),
        ),
        "edges": (
            ("start", "approve", ""), ("approve", "seize", ""), ("seize", "record", ""),
            ("record", "custody", ""), ("custody", "verify", ""), ("verify", "handle", ""),
            ("handle", "confiscate", "属于"), ("handle", "release", "不属于"),
            ("confiscate", "end", ""), ("release", "end", ""),
        ),
        "risks": {
            "seize": (
                R(2, PRC, "超范围查封扣押",
                  "对与违法行为无关的电脑、财物一并扣押，或未经批准先行扣押后补办手续，以此要挟当事人。",
                  "rules|查封扣押限于涉案专用工具、设备，情况紧急当场实施的须在二十四小时内补报批准。",
                  "process|查封扣押全程音像记录，清单当场交当事人核对签字。"),
            ),
            "custody": (
                R(2, PRC, "扣押物品私自使用、调换或损毁",
                  "保管人员私自使用扣押的电脑设备，或以旧换新、拆换配件，造成扣押物品损毁灭失。",
                  "rules|扣押物品专库存放、专人保管，出入库双人签字。",
                  "technology|扣押物品库房安装视频监控，出入库信息录入执法平台。"),
            ),
            "release": (
                R(1, INS, "违规退还扣押物品",
                  "收受当事人好处后，对属于违法经营的专用工具、设备不作没收处理，以解除查封扣押名义违规退还。",
                  "process|解除查封扣押须经法制审核并报副队长批准，退还清单与扣押清单逐项核对。",
                  "supervision|纪检监察室对解除查封扣押案件逐案备案审查。"),
            ),
        },
    },
}
# fmt: on
