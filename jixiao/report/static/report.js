// The spot-check report's filters and problem focus, inlined into report.html.
(function(){
  var $=function(s){return document.querySelector(s)};
  var all=function(s){return Array.prototype.slice.call(document.querySelectorAll(s))};
  var keys=['code','sev','file','grade','q'];
  var f={};keys.forEach(function(k){f[k]=$('#f-'+k)});
  function has(list,v){return !v||(' '+list+' ').indexOf(' '+v+' ')>=0}
  function apply(){
    var code=f.code.value,sev=f.sev.value,file=f.file.value,grade=f.grade.value,
        q=f.q.value.trim().toLowerCase(),shown=0;
    all('.card').forEach(function(c){
      var d=c.dataset,ok=has(d.codes,code)&&has(d.sevs,sev)&&(!file||d.file===file)&&
        (!grade||d.grade===grade)&&(!q||c.textContent.toLowerCase().indexOf(q)>=0);
      c.hidden=!ok;if(ok)shown++;
    });
    all('.fileproblem').forEach(function(li){
      var d=li.dataset;li.hidden=!((!code||d.code===code)&&(!sev||d.sev===sev)&&
        (!file||d.file===file)&&(!q||li.textContent.toLowerCase().indexOf(q)>=0));
    });
    $('#shown').textContent=shown;
    var h=[];keys.forEach(function(k){if(f[k].value)h.push(k+'='+encodeURIComponent(f[k].value))});
    try{history.replaceState(null,'',h.length?'#'+h.join('&'):location.pathname)}catch(e){}
  }
  if(location.hash.indexOf('=')>=0){
    location.hash.slice(1).split('&').forEach(function(p){
      var i=p.indexOf('='),k=p.slice(0,i);if(f[k])f[k].value=decodeURIComponent(p.slice(i+1));
    });
  }
  keys.forEach(function(k){f[k].addEventListener('input',apply)});
  all('[data-filter-code]').forEach(function(a){a.addEventListener('click',function(){
    f.code.value=a.dataset.filterCode;f.sev.value=a.dataset.filterSev||'';apply();
  })});
  all('[data-filter-file]').forEach(function(a){a.addEventListener('click',function(){
    f.file.value=a.dataset.filterFile;apply();
  })});
  all('[data-filter-q]').forEach(function(a){a.addEventListener('click',function(){
    f.q.value=a.dataset.filterQ;apply();
  })});
  document.addEventListener('click',function(e){
    var li=e.target.closest&&e.target.closest('[data-problem]');if(!li)return;
    all('.focus').forEach(function(x){x.classList.remove('focus')});
    var hit=all('[data-problems~="'+li.dataset.problem+'"]');
    hit.forEach(function(x){x.classList.add('focus')});
    if(hit.length)hit[0].scrollIntoView({block:'nearest'});
  });
  apply();
})();
